import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { waitFor } from '../../src/async';
import { loadConfig } from '../../src/config';
import { serverBinaries, type ServerBinaries } from '../../src/local/binaries';
import { ManagedChild } from '../../src/local/child';
import { startFerretDB } from '../../src/local/ferretdb';
import { freePort } from '../../src/local/ports';
import { startTemporalDevServer } from '../../src/local/temporal';
import { bundleWorkflowsApart } from '../../src/worker/bundle';
import { WORKER_ENV, WORKER_NODE_ARGS } from '../../src/worker/process-tuning';

/**
 * The four processes of the fault suite, each its own child so that it can be killed:
 * FerretDB and the Temporal dev server (data in a throw-away directory, so a restart finds
 * it again), a worker and an API (`node --import tsx`, as `npm run worker` / `npm run api`).
 * A process that exits without being told to is started again, and its exit recorded.
 */

export type ProcessName = 'ferretdb' | 'temporal' | 'worker' | 'api';

export interface UnexpectedExit {
  name: ProcessName;
  at: number;
  code: number | null;
  signal: NodeJS.Signals | null;
}

const HOST = '127.0.0.1';
const DATABASE = 'offerflow_faults';
const TASK_QUEUE = 'offerflow-faults';
const root = path.resolve(__dirname, '../..');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** One supervised process: started by `start`, restarted when it exits unasked. */
class Supervised {
  child?: ManagedChild;
  /** Children told to exit: their exit is no crash. */
  private readonly told = new WeakSet<ManagedChild>();
  private stopped = false;

  constructor(
    readonly name: ProcessName,
    private readonly start: () => Promise<ManagedChild>,
    private readonly onUnexpectedExit: (exit: UnexpectedExit) => void,
  ) {}

  async run(): Promise<void> {
    const child = await this.start();
    this.child = child;
    void child.exited.then(async (e) => {
      if (this.child !== child || this.told.has(child) || this.stopped) return;
      this.onUnexpectedExit({ name: this.name, at: Date.now(), code: e.code, signal: e.signal });
      await sleep(500);
      if (!this.stopped && this.child === child)
        await this.run().catch((err: Error) => process.stderr.write(`[faults] restarting ${this.name}: ${err.message}\n`));
    });
  }

  /** Kills the process with `signal` (or stops it gracefully), waits for its exit, starts it again; resolves when it is ready. */
  async restart(how: NodeJS.Signals | 'stop'): Promise<{ exitedAt: number; readyAt: number }> {
    const child = this.child!;
    this.told.add(child);
    if (how === 'stop') await child.stop(5000);
    else {
      child.process.kill(how);
      await child.exited;
    }
    const exitedAt = Date.now();
    for (let attempt = 1; ; attempt++) {
      try {
        await this.run();
        break;
      } catch (err) {
        if (attempt >= 3) throw err;
        process.stderr.write(`[faults] starting ${this.name} again failed (${(err as Error).message}); trying once more\n`);
        await sleep(1000);
      }
    }
    return { exitedAt, readyAt: Date.now() };
  }

  signal(signal: NodeJS.Signals): void {
    this.child?.process.kill(signal);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    const child = this.child;
    if (!child) return;
    this.told.add(child);
    child.process.kill('SIGCONT'); // a paused process cannot take SIGTERM
    await child.stop(5000);
  }
}

export class FaultServers {
  readonly unexpectedExits: UnexpectedExit[] = [];
  readonly operatorToken = `ofo.faults-${randomBytes(24).toString('hex')}`;
  readonly mongodbUri: string;
  readonly temporalAddress: string;
  readonly apiUrl: string;
  private readonly procs: Record<ProcessName, Supervised>;

  private constructor(
    readonly dir: string,
    private readonly bins: ServerBinaries,
    private readonly bundlePath: string,
    readonly ports: { ferretdb: number; temporal: number; api: number },
  ) {
    this.mongodbUri = `mongodb://${HOST}:${ports.ferretdb}/${DATABASE}`;
    this.temporalAddress = `${HOST}:${ports.temporal}`;
    this.apiUrl = `http://${HOST}:${ports.api}`;
    const record = (exit: UnexpectedExit) => {
      this.unexpectedExits.push(exit);
      process.stderr.write(`[faults] ${exit.name} exited unasked (code ${exit.code}, signal ${exit.signal}); starting it again\n`);
    };
    this.procs = {
      ferretdb: new Supervised('ferretdb', () => this.startFerretDB(), record),
      temporal: new Supervised('temporal', () => this.startTemporal(), record),
      worker: new Supervised('worker', () => this.startWorker(), record),
      api: new Supervised('api', () => this.startApi(), record),
    };
  }

  /** Builds the workflow bundle and starts every process on free ports; resolves when the API answers 200 on /healthz. */
  static async start(): Promise<FaultServers> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'offerflow-faults-'));
    const bins = serverBinaries(loadConfig({ ...process.env, MONGODB_URI: '', TEMPORAL_ADDRESS: '' }).cacheDir);
    const bundlePath = path.join(dir, 'workflow-bundle.js');
    const ports = { ferretdb: await freePort(), temporal: await freePort(), api: await freePort() };
    const servers = new FaultServers(dir, bins, bundlePath, ports);
    // If jest goes down without tearing down, take the servers with it (the worker and the API leave on their own: IPC).
    process.once('exit', () => {
      for (const p of Object.values(servers.procs)) {
        p.child?.process.kill('SIGCONT');
        p.child?.process.kill('SIGKILL');
      }
    });
    try {
      await Promise.all([
        servers.procs.ferretdb.run(),
        servers.procs.temporal.run(),
        bundleWorkflowsApart().then(({ code }) => fs.writeFileSync(bundlePath, code)),
      ]);
      await Promise.all([servers.procs.worker.run(), servers.procs.api.run()]);
      await waitFor('the API to answer 200 on /healthz', async () => assertStatus(await fetch(`${servers.apiUrl}/healthz`), 200), 60_000, 250);
    } catch (err) {
      await servers.stop();
      throw err;
    }
    return servers;
  }

  pid(name: ProcessName): number | undefined {
    return this.procs[name].child?.pid;
  }

  /** SIGKILL, then started again at once; resolves when the new worker polls (or the new API listens). */
  kill(name: 'worker' | 'api'): Promise<{ exitedAt: number; readyAt: number }> {
    return this.procs[name].restart('SIGKILL');
  }

  /** SIGTERM (SIGKILL after 5 s), then started again on the same port and database file; resolves when it answers. */
  restartTemporal(): Promise<{ exitedAt: number; readyAt: number }> {
    return this.procs.temporal.restart('stop');
  }

  /** SIGSTOP: FerretDB holds its connections and answers nothing until `resumeFerretDB`. */
  pauseFerretDB(): void {
    this.procs.ferretdb.signal('SIGSTOP');
  }

  resumeFerretDB(): void {
    this.procs.ferretdb.signal('SIGCONT');
  }

  /** Stops the API and the worker first, then the servers; keeps the directory when OFFERFLOW_TEST_KEEP is set. */
  async stop(): Promise<void> {
    await Promise.all([this.procs.api.stop(), this.procs.worker.stop()]);
    await Promise.all([this.procs.temporal.stop(), this.procs.ferretdb.stop()]);
    if (process.env.OFFERFLOW_TEST_KEEP) process.stderr.write(`[faults] servers' data and logs kept in ${this.dir}\n`);
    else fs.rmSync(this.dir, { recursive: true, force: true });
  }

  private log(name: ProcessName) {
    return { kind: 'file' as const, path: path.join(this.dir, `${name}.log`) };
  }

  private async startFerretDB(): Promise<ManagedChild> {
    const f = await startFerretDB({
      bin: this.bins.ferretdb,
      host: HOST,
      port: this.ports.ferretdb,
      dataDir: path.join(this.dir, 'ferretdb'),
      output: this.log('ferretdb'),
    });
    return f.child;
  }

  private async startTemporal(): Promise<ManagedChild> {
    // The port was just freed by the process before: give the OS a few tries to let it go.
    for (let attempt = 1; ; attempt++) {
      try {
        const t = await startTemporalDevServer({
          bin: this.bins.temporal,
          host: HOST,
          port: this.ports.temporal,
          dbFile: path.join(this.dir, 'temporal.db'),
          namespace: 'default',
          output: this.log('temporal'),
        });
        return t.child;
      } catch (err) {
        if (attempt >= 3 || !/during start-up/.test((err as Error).message)) throw err;
        await sleep(1000);
      }
    }
  }

  private env(extra: Record<string, string>): NodeJS.ProcessEnv {
    return {
      ...process.env,
      MONGODB_URI: this.mongodbUri,
      TEMPORAL_ADDRESS: this.temporalAddress,
      TEMPORAL_NAMESPACE: 'default',
      TEMPORAL_TASK_QUEUE: TASK_QUEUE,
      LOG_LEVEL: 'warn',
      OFFERFLOW_SECRET_KEY: 'faults-secret-key-0123456789abcdefghijklmnop',
      WEBHOOK_ALLOW_PRIVATE_URLS: 'true',
      WEBHOOK_RETRY_FOR_MS: '60000',
      ...extra,
    };
  }

  private async startWorker(): Promise<ManagedChild> {
    const child = new ManagedChild('worker', process.execPath, [...WORKER_NODE_ARGS, '--import', 'tsx', path.join(root, 'src/worker/main.ts')], {
      env: this.env({ ...WORKER_ENV, WORKFLOW_BUNDLE: this.bundlePath }),
      output: this.log('worker'),
      ipc: true, // it says when it polls; and it leaves if we are gone
      cwd: root,
    });
    const ready = new Promise<void>((resolve) => child.process.on('message', (m: { ready?: boolean }) => m?.ready && resolve()));
    await Promise.race([ready, child.exited.then((e) => Promise.reject(new Error(`the worker exited during start-up (code ${e.code}, signal ${e.signal})`)))]);
    return child;
  }

  private async startApi(): Promise<ManagedChild> {
    const child = new ManagedChild('api', process.execPath, ['--import', 'tsx', path.join(root, 'src/api/main.ts')], {
      env: this.env({ PORT: String(this.ports.api), HOST, OFFERFLOW_OPERATOR_TOKEN: this.operatorToken }),
      output: this.log('api'),
      ipc: true,
      cwd: root,
    });
    // Listening is enough (it answers 503 while a dependency is down).
    await Promise.race([
      waitFor('the API to listen', () => fetch(`${this.apiUrl}/healthz`), 60_000, 100),
      child.exited.then((e) => Promise.reject(new Error(`the API exited during start-up (code ${e.code}, signal ${e.signal})`))),
    ]);
    return child;
  }
}

function assertStatus(res: Response, status: number): void {
  if (res.status !== status) throw new Error(`status ${res.status}`);
}
