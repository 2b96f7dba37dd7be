import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import { loadConfig } from '../../src/config';
import { serverBinaries } from '../../src/local/binaries';
import { startFerretDB } from '../../src/local/ferretdb';
import { freePort } from '../../src/local/ports';
import { startTemporalDevServer } from '../../src/local/temporal';
import { WORKFLOWS_PATH } from '../../src/worker/worker';
import { TEST_ENV } from './servers';

/**
 * One Temporal dev server (in memory) and one FerretDB (throw-away directory) on
 * free ports for the whole run, so tests never collide with a running `npm start`.
 * Each test file then uses its own database and task queue.
 */
export default async function globalSetup(): Promise<void> {
  const config = loadConfig({ ...process.env, MONGODB_URI: '', TEMPORAL_ADDRESS: '' });
  // `npm test` built (or checked) the pinned servers in its pretest step; a direct `npx jest` checks them here,
  // so that a cache from another version is never used silently.
  if (process.env.npm_lifecycle_event !== 'test' || !fs.existsSync(path.join(config.cacheDir, 'servers.env'))) {
    const built = spawnSync('bash', [path.join(__dirname, '../../scripts/build-servers.sh')], { stdio: 'inherit' });
    if (built.status !== 0) throw new Error('building the local servers failed (scripts/build-servers.sh)');
  }
  const bins = serverBinaries(config.cacheDir);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'offerflow-test-'));
  const results = await Promise.allSettled([
    onAFreePort((port) =>
      startFerretDB({
        bin: bins.ferretdb,
        host: '127.0.0.1',
        port,
        dataDir: path.join(dir, 'ferretdb'),
        output: { kind: 'file', path: path.join(dir, 'ferretdb.log') },
      }),
    ),
    onAFreePort((port) =>
      startTemporalDevServer({
        bin: bins.temporal,
        host: '127.0.0.1',
        port,
        namespace: 'default',
        output: { kind: 'file', path: path.join(dir, 'temporal.log') },
      }),
    ),
    bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, logger: quietLogger }),
  ] as const);
  const [f, t, b] = results;
  const children = [f, t].flatMap((r) => (r.status === 'fulfilled' ? [r.value.child] : []));
  // If jest is interrupted before teardown, still take the servers down with it.
  process.once('exit', () => children.forEach((c) => c.process.kill('SIGKILL')));
  if (f.status === 'rejected' || t.status === 'rejected' || b.status === 'rejected') {
    await Promise.all(children.map((c) => c.stop()));
    throw [f, t, b].flatMap((r) => (r.status === 'rejected' ? [r.reason] : []))[0];
  }
  const [ferretdb, temporal, bundle] = [f.value, t.value, b.value];
  const bundlePath = path.join(dir, 'workflow-bundle.js');
  fs.writeFileSync(bundlePath, bundle.code);

  process.env[TEST_ENV.mongodbUri] = ferretdb.uri;
  process.env[TEST_ENV.temporalAddress] = temporal.address;
  process.env[TEST_ENV.workflowBundle] = bundlePath;
  process.env[TEST_ENV.dir] = dir;
  (globalThis as Record<string, unknown>).__offerflowTestServers = { ferretdb, temporal, dir };
}

/**
 * Starts a server on a port that was free a moment ago; another process may take it first (the
 * Temporal dev server also binds ports of its own), so a server that dies during start-up is
 * started again on another port, twice at most.
 */
async function onAFreePort<T>(start: (port: number) => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await start(await freePort());
    } catch (err) {
      if (attempt >= 3 || !/during start-up/.test(String((err as Error).message))) throw err;
    }
  }
}

const noop = () => undefined;
const quietLogger = { trace: noop, debug: noop, info: noop, warn: noop, error: (m: string) => process.stderr.write(`${m}\n`), log: noop };
