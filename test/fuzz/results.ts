import fs from 'node:fs';
import type { RunOutcome } from './report';
import type { TokenKind } from './world';

/**
 * What counts as one test: one operation fuzzed with one token kind ("partner-admin createUser"),
 * failed when any check failed on any of its cases, or when it was not tested at all. Besides
 * those, per token kind: "token still valid" (the fuzzer did not revoke what it calls with) and
 * "run completed" (schemathesis reported no error of its own); and once, "no process died".
 */
export interface FuzzTest {
  name: string;
  failures: string[];
}

export interface KindResult {
  kind: TokenKind;
  /** operationId → "METHOD /path", the operations this kind was fuzzed on. */
  operations: Map<string, string>;
  outcome: RunOutcome;
  tokenStillValid: boolean | undefined;
  seconds: number;
}

export function testsOf(k: KindResult): FuzzTest[] {
  const tests: FuzzTest[] = [];
  for (const [operationId, label] of k.operations) {
    const o = k.outcome.operations.get(label);
    const failures = !o || o.cases === 0 ? ['not tested: schemathesis sent no case'] : [...o.failures].map(([what, n]) => `${what} × ${n}`);
    tests.push({ name: `${k.kind} ${operationId}`, failures });
  }
  if (k.tokenStillValid !== undefined) tests.push({ name: `${k.kind} token still valid`, failures: k.tokenStillValid ? [] : ['its token no longer works'] });
  tests.push({ name: `${k.kind} run completed`, failures: k.outcome.errors });
  return tests;
}

/** The shape of the jest runs' .test-results.json (test/support/results-reporter.js), which .ci/run adds up. */
export function writeResults(file: string, tests: FuzzTest[]): { passed: number; failed: number } {
  const failed = tests.filter((t) => t.failures.length > 0);
  const summary = {
    passed: tests.length - failed.length,
    failed: failed.length,
    skipped: 0,
    suites: 1,
    failedSuites: failed.map((t) => t.name),
    success: failed.length === 0,
  };
  fs.writeFileSync(file, JSON.stringify(summary, null, 2));
  return summary;
}

/** The closing summary: cases and failures per token kind, then each failing test and what failed. */
export function summaryLines(kinds: KindResult[], tests: FuzzTest[]): string[] {
  const lines = ['', 'fuzz summary (token kind: operations, cases, failing tests, seconds)'];
  for (const k of kinds) {
    const failing = testsOf(k).filter((t) => t.failures.length > 0).length;
    lines.push(
      `  ${k.kind.padEnd(14)} ${String(k.operations.size).padStart(3)} operations ${String(k.outcome.cases).padStart(6)} cases ${String(failing).padStart(3)} failing ${k.seconds.toFixed(0).padStart(4)} s`,
    );
  }
  lines.push(`  ${'all'.padEnd(14)} ${' '.repeat(14)} ${String(kinds.reduce((n, k) => n + k.outcome.cases, 0)).padStart(17)} cases`);
  const failed = tests.filter((t) => t.failures.length > 0);
  if (failed.length) {
    lines.push('', 'failing:');
    for (const t of failed) lines.push(`  ${t.name}`, ...t.failures.map((f) => `    ${f}`));
  }
  return lines;
}
