/** @type {import('jest').Config} */
// `npm run test:faults`: the fault-injection suite alone (test/faults/). It starts its own
// servers, so no global setup; one file at a time; bounded at about 8 minutes.
module.exports = {
  testEnvironment: 'node',
  rootDir: __dirname,
  testMatch: ['<rootDir>/test/faults/**/*.test.ts'],
  transform: {
    '^.+\\.ts$': ['@swc/jest', { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'commonjs' } }],
  },
  // Its own results file, beside the main run's .test-results.json, so that CI can add both.
  reporters: ['default', ['<rootDir>/test/support/results-reporter.js', { file: '.test-results-faults.json' }]],
  // The whole scenario runs in one beforeAll: servers, control chain, 40 chains under faults, settling, counting.
  testTimeout: 560_000,
  maxWorkers: 1,
};
