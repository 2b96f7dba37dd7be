import path from 'node:path';
import { ConfigError, loadConfig } from './config';
import { ensureOperatorToken, ensureSecretKey } from './auth/operator-token';
import { ManagedChild, type ChildExit } from './local/child';
import { waitFor } from './async';
import { assertPortFree, PortInUseError } from './local/ports';
import { startLocalServers, type LocalServers } from './local/stack';
import { WORKER_ENV, WORKER_NODE_ARGS } from './worker/process-tuning';

/**
 * `npm start`: the whole service on this machine. Starts FerretDB and the
 * Temporal dev server unless MONGODB_URI / TEMPORAL_ADDRESS point elsewhere,
 * then the worker and the API as child processes, and stops all of them
 * together: on Ctrl-C, or as soon as any one of them dies.
 */
const say = (line: string) => process.stderr.write(`[offerflow] ${line}\n`);

let stopping = false;
let servers: LocalServers | undefined;
const apps: ManagedChild[] = [];

async function shutdown(code: number): Promise<void> {
  if (stopping) return;
  stopping = true;
  say('stopping...');
  await Promise.all(apps.map((c) => c.stop()));
  await servers?.stop();
  say(code === 0 ? 'stopped' : 'stopped after a failure');
  process.exit(code);
}

async function main(): Promise<void> {
  const t0 = Date.now();
  const config = loadConfig();
  await assertPortFree(config.port, config.host, 'PORT');

  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => void shutdown(0));
  const onExit = (exit: ChildExit) => {
    if (stopping) return;
    say(`${exit.name} exited unexpectedly (${exit.signal ? `signal ${exit.signal}` : `exit code ${exit.code}`}); stopping everything`);
    void shutdown(1);
  };

  if (!config.mongodbUri || !config.temporalAddress) {
    say(
      `starting ${[!config.mongodbUri && 'FerretDB', !config.temporalAddress && 'the Temporal dev server'].filter(Boolean).join(' and ')} (data in ${config.dataDir})`,
    );
  }
  servers = await startLocalServers(config, { kind: 'console' });
  for (const child of [servers.ferretdb?.child, servers.temporal?.child]) void child?.exited.then(onExit);
  if (stopping) return;

  // The embedded default makes an operator token if none is given; against external servers it must be given.
  const operator: { token?: string; created: boolean; file?: string } =
    config.operatorToken || servers.ferretdb || servers.temporal ? ensureOperatorToken(config.dataDir, config.operatorToken) : { created: false };
  // Likewise the key that seals webhook secrets.
  const secretKey = config.secretKey || servers.ferretdb || servers.temporal ? ensureSecretKey(config.dataDir, config.secretKey) : undefined;
  const env = {
    ...process.env,
    MONGODB_URI: servers.mongodbUri,
    TEMPORAL_ADDRESS: servers.temporalAddress,
    OFFERFLOW_OPERATOR_TOKEN: operator.token,
    OFFERFLOW_SECRET_KEY: secretKey,
  };
  const [worker] = (['worker', 'api'] as const).map((name) => {
    const child = spawnEntry(name, env);
    apps.push(child);
    void child.exited.then(onExit);
    return child;
  });
  // The worker bundles the workflow code before it polls (seconds): until then a request that
  // waits on a workflow would time out, so "ready" waits for it as well as for the API.
  const workerReady = new Promise<void>((resolve) => worker!.process.on('message', (m: { ready?: boolean }) => m?.ready && resolve()));

  const apiUrl = `http://${config.host}:${config.port}`;
  await Promise.all([waitFor('the API', () => healthy(`${apiUrl}/healthz`), 120_000, 250), workerReady]);
  if (stopping) return;
  // One write, so that whoever reads the output sees the whole banner at once.
  const banner = [
    `ready in ${((Date.now() - t0) / 1000).toFixed(1)}s`,
    `API          ${apiUrl}   (health: ${apiUrl}/healthz, docs: ${apiUrl}/docs)`,
    servers.temporal?.uiUrl ? `Temporal UI  ${servers.temporal.uiUrl}` : `Temporal     ${servers.temporalAddress} (external)`,
    `MongoDB      ${servers.mongodbUri}${servers.ferretdb ? ` (FerretDB, data in ${path.join(config.dataDir, 'ferretdb')})` : ' (external)'}`,
    ...(operator.created
      ? [`operator token (shown once; kept in ${operator.file}): ${operator.token}`]
      : operator.file
        ? [`operator token: in ${operator.file}`]
        : []),
    'press Ctrl-C to stop',
  ];
  process.stderr.write(banner.map((line) => `[offerflow] ${line}\n`).join(''));
}

/** Starts src/<name>/main as a node process, through tsx when running from TypeScript sources. */
function spawnEntry(name: 'worker' | 'api', env: NodeJS.ProcessEnv): ManagedChild {
  const fromSource = path.extname(__filename) === '.ts';
  const entry = path.join(__dirname, name, `main${fromSource ? '.ts' : '.js'}`);
  const tuning = name === 'worker' ? WORKER_NODE_ARGS : [];
  const args = [...tuning, ...(fromSource ? ['--import', 'tsx', entry] : [entry])];
  return new ManagedChild(name, process.execPath, args, {
    env: name === 'worker' ? { ...WORKER_ENV, ...env } : env,
    output: { kind: 'console' },
    detached: true,
    ipc: true,
  });
}

async function healthy(url: string): Promise<void> {
  const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
  if (res.status !== 200) throw new Error(`/healthz answered ${res.status}: ${await res.text()}`);
}

main().catch((err) => {
  const expected = err instanceof PortInUseError || err instanceof ConfigError;
  say(`cannot start: ${expected ? err.message : err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
  void shutdown(1);
});
