import fs from 'node:fs';
import path from 'node:path';
import { httpCall } from '../support/stack';
import { summaryLines, testsOf, writeResults, type FuzzTest, type KindResult } from './results';
import { mergeOutcomes } from './report';
import { runSchemathesis } from './schemathesis';
import { startFuzzServers } from './servers';
import { configFor, needingAToken, operationsFor, type OpenApiOperation } from './st-config';
import { buildWorld, SELF_DESTRUCTIVE, TOKEN_KINDS, type Principal, type TokenKind } from './world';

/**
 * `npm run test:fuzz`: schemathesis against a real offerflow, once per token kind, then one
 * line of results. Writes .test-results-fuzz.json (for .ci/run) and keeps each run's
 * configuration and reports in .fuzz-report/<kind>/. Exits 1 when any test failed.
 *
 * FUZZ_MAX_EXAMPLES (cases per operation in the fuzzing phase) and FUZZ_SEED change the run.
 */
const root = path.resolve(__dirname, '../..');
const RESULTS = path.join(root, '.test-results-fuzz.json');
const REPORTS = path.join(root, '.fuzz-report');
const ST = path.join(root, process.env.FUZZ_VENV ?? '.venv-fuzz', 'bin', 'st');
// A fixed seed: a CI run finds what the one before found, so a failure is not a coin toss.
const SEED = process.env.FUZZ_SEED ?? '20261129';
const MAX_EXAMPLES: Record<TokenKind, number> = { none: 5, customer: 20, 'limited-user': 10, 'partner-admin': 15, operator: 30 };
// How often a path parameter takes one of the principal's real ids rather than a generated value.
const REAL_ID_PROBABILITY = 0.75;
const say = (line: string) => process.stdout.write(`[fuzz] ${line}\n`);

async function main(): Promise<number> {
  const t0 = Date.now();
  fs.rmSync(RESULTS, { force: true });
  fs.rmSync(REPORTS, { recursive: true, force: true });
  if (!fs.existsSync(ST)) throw new Error(`${ST} is missing: make it with 'bash scripts/fuzz-venv.sh' (npm run test:fuzz does)`);

  const servers = await startFuzzServers();
  // Interrupted (Ctrl-C, CI's time-out): FerretDB and Temporal run detached, so stop them first.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void servers.stop().finally(() => process.exit(130)));
  try {
    const api = {
      http: (method: string, p: string, body?: unknown, headers?: Record<string, string>) => httpCall(servers.apiUrl, method, p, body, headers, 30_000),
    };
    const world = await buildWorld(api, servers.operatorToken);
    const paths = (await api.http('GET', '/openapi.json')).body.paths as Record<string, Record<string, OpenApiOperation>>;
    const labels = new Map(
      Object.entries(paths).flatMap(([p, methods]) => Object.entries(methods).map(([m, op]) => [op.operationId, `${m.toUpperCase()} ${p}`])),
    );
    say(`offerflow at ${servers.apiUrl}, principals and their objects made in ${((Date.now() - t0) / 1000).toFixed(0)} s`);

    const fuzz = (name: string, principal: Principal, operationIds: string[], maxExamples: number) => {
      say(`${name}: ${operationIds.length} operations, ${principal.token ? 'its token' : 'no token'}`);
      return runSchemathesis({
        st: ST,
        dir: path.join(REPORTS, name),
        schemaUrl: `${servers.apiUrl}/openapi.json`,
        config: configFor(servers.apiUrl, principal, REAL_ID_PROBABILITY, name === 'none' ? needingAToken(paths) : []),
        operationIds,
        maxExamples,
        seed: SEED,
        timeoutMs: 240_000,
      });
    };
    const kinds: KindResult[] = [];
    for (const kind of TOKEN_KINDS) {
      const started = Date.now();
      const principal = world[kind];
      const operationIds = operationsFor(kind, paths);
      const maxExamples = Number(process.env.FUZZ_MAX_EXAMPLES ?? MAX_EXAMPLES[kind]);
      const apart = principal.apart ? operationIds.filter((id) => SELF_DESTRUCTIVE.includes(id)) : [];
      let outcome = await fuzz(
        kind,
        principal,
        operationIds.filter((id) => !apart.includes(id)),
        maxExamples,
      );
      const probe = principal.probe && (await api.http('GET', principal.probe, undefined, { authorization: `Bearer ${principal.token}` }));
      if (principal.apart && apart.length) outcome = mergeOutcomes(outcome, await fuzz(`${kind}-apart`, principal.apart, apart, maxExamples));
      kinds.push({
        kind,
        operations: new Map(operationIds.map((id) => [id, labels.get(id)!])),
        outcome,
        tokenStillValid: probe ? probe.status === 200 : undefined,
        seconds: (Date.now() - started) / 1000,
      });
    }

    const tests: FuzzTest[] = kinds.flatMap(testsOf);
    tests.push({
      name: 'no process died',
      failures: servers.unexpectedExits.map((e) => `${e.name} exited unasked (code ${e.code}, signal ${e.signal})`),
    });
    for (const line of summaryLines(kinds, tests)) process.stdout.write(`${line}\n`);
    const { passed, failed } = writeResults(RESULTS, tests);
    say(`${passed} passed, ${failed} failed (tests: operation × token kind, see test/fuzz/results.ts) in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
    return failed > 0 ? 1 : 0;
  } finally {
    await servers.stop();
  }
}

main().then(
  (code) => process.exit(code),
  (err: Error) => {
    process.stderr.write(`[fuzz] ${err.stack ?? err.message}\n`);
    process.exit(1);
  },
);
