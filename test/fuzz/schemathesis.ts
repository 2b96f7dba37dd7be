import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { readNdjson, type RunOutcome } from './report';
import { CHECKS } from './st-config';

export interface RunOptions {
  /** The `st` executable of the virtual environment. */
  st: string;
  /** Where this run's configuration and reports go (also its working directory). */
  dir: string;
  schemaUrl: string;
  config: string;
  operationIds: string[];
  maxExamples: number;
  seed: string;
  /** The run is stopped after this long (a hung run must not hold CI). */
  timeoutMs: number;
}

/**
 * One `st run`: its output goes to ours as it comes; its outcome is read from its NDJSON report.
 * Phases: coverage (boundary and invalid values of every parameter and body field, deterministic),
 * fuzzing (random positive and negative data) and stateful (chains that follow the links
 * schemathesis infers from Location headers and response fields); the schema has no examples.
 */
export async function runSchemathesis(opts: RunOptions): Promise<RunOutcome> {
  fs.mkdirSync(opts.dir, { recursive: true });
  const configFile = path.join(opts.dir, 'schemathesis.toml');
  fs.writeFileSync(configFile, opts.config);
  const ndjson = path.join(opts.dir, 'events.ndjson');
  const only = opts.operationIds.map((id) => id.replace(/[^A-Za-z0-9_]/g, '')).join('|');
  const args = [
    '--config-file',
    configFile,
    'run',
    opts.schemaUrl,
    '--checks',
    CHECKS.join(','),
    '--phases',
    'coverage,fuzzing,stateful',
    '--mode',
    'all',
    '--max-examples',
    String(opts.maxExamples),
    '--include-operation-id-regex',
    `^(${only})$`,
    '--seed',
    opts.seed,
    '--generation-database',
    'none',
    // A failing case does not end an operation's tests: every distinct failure is reported.
    '--continue-on-failure',
    // One worker: with two, CPython 3.11's ast.parse (which hypothesis calls to describe its filters)
    // sometimes fails in both threads at once with "AST constructor recursion depth mismatch".
    '--workers',
    '1',
    '--request-timeout',
    '30',
    '--report',
    'ndjson,junit',
    '--report-ndjson-path',
    ndjson,
    '--report-junit-path',
    path.join(opts.dir, 'junit.xml'),
    '--no-color',
  ];
  const child = spawn(opts.st, args, { cwd: opts.dir, stdio: ['ignore', 'inherit', 'inherit'] });
  const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs);
  const exit = await new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal }));
    child.once('error', (err) => {
      process.stderr.write(`[fuzz] cannot run ${opts.st}: ${err.message}\n`);
      resolve({ code: 127, signal: null });
    });
  });
  clearTimeout(timer);
  const outcome = await readNdjson(ndjson);
  if (exit.signal) outcome.errors.push(`schemathesis was stopped by ${exit.signal} (after ${opts.timeoutMs / 1000} s at most)`);
  // Exit 1 is "failures found" (read from the report); anything else is the run itself failing.
  else if (exit.code !== 0 && exit.code !== 1) outcome.errors.push(`schemathesis exited with code ${exit.code}`);
  return outcome;
}
