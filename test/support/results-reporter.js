// Writes the run's real counts to .test-results.json (or the file its `file` option
// names), which .ci/run turns into its "N passed, N failed" line. A suite that fails
// to run counts as a failure.
const fs = require('node:fs');
const path = require('node:path');

class ResultsReporter {
  constructor(globalConfig, options = {}) {
    this.file = path.join(globalConfig.rootDir, options.file ?? '.test-results.json');
  }

  onRunComplete(_contexts, results) {
    const summary = {
      passed: results.numPassedTests,
      failed: results.numFailedTests + results.numRuntimeErrorTestSuites,
      skipped: results.numPendingTests + results.numTodoTests,
      suites: results.numTotalTestSuites,
      failedSuites: results.testResults
        .filter((r) => r.numFailingTests > 0 || r.testExecError)
        .map((r) => path.relative(this.file.replace(/\/[^/]+$/, ''), r.testFilePath)),
      success: results.success,
    };
    fs.writeFileSync(this.file, JSON.stringify(summary, null, 2));
  }
}

module.exports = ResultsReporter;
