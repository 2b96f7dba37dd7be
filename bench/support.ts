import { randomUUID } from 'node:crypto';
import { systemRequest } from '../src/request-scope';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import mongoose from 'mongoose';
import { loadConfig } from '../src/config';
import { ManagedChild } from '../src/local/child';
import { serverBinaries } from '../src/local/binaries';
import { startFerretDB, type RunningFerretDB } from '../src/local/ferretdb';
import { freePort } from '../src/local/ports';
import { startTemporalDevServer } from '../src/local/temporal';
import { createModels, type Models } from '../src/db/models';
import { createPartnerService } from '../src/partners/service';
import { seedCatalog } from '../src/catalog/seed';
import { waitFor } from '../src/async';
import { WORKER_ENV, WORKER_NODE_ARGS } from '../src/worker/process-tuning';

export const root = path.resolve(__dirname, '..');

/** A FerretDB of the benchmark's own, in a temporary directory. */
export async function benchFerretDB(): Promise<RunningFerretDB & { dir: string; stop(): Promise<void> }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'offerflow-bench-'));
  const bins = serverBinaries(loadConfig().cacheDir);
  const f = await startFerretDB({
    bin: bins.ferretdb,
    host: '127.0.0.1',
    port: await freePort(),
    dataDir: dir,
    output: { kind: 'ignore' },
    debugAddr: process.env.BENCH_FERRETDB_DEBUG_ADDR,
  });
  return {
    ...f,
    dir,
    async stop() {
      await f.child.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A Temporal dev server of the benchmark's own (SQLite in a temporary directory, which `stop` removes). */
export async function benchTemporal(): Promise<{ address: string; pid: number | undefined; dir: string; stop(): Promise<void> }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'offerflow-bench-temporal-'));
  const t = await startTemporalDevServer({
    bin: serverBinaries(loadConfig().cacheDir).temporal,
    host: '127.0.0.1',
    port: await freePort(),
    namespace: 'default',
    dbFile: path.join(dir, 'temporal.db'),
    output: { kind: 'ignore' },
  });
  return {
    address: t.address,
    pid: t.child.pid,
    dir,
    async stop() {
      await t.child.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Compiles to dist/, so that the worker and the API run as in production (tsx would add its own memory and CPU). */
export function buildDist(): void {
  execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', path.join(root, 'tsconfig.build.json')], { cwd: root });
}

export async function connect(uri: string): Promise<{ connection: mongoose.Connection; models: Models }> {
  const connection = await mongoose.createConnection(uri, { maxPoolSize: 16, retryWrites: false }).asPromise();
  const models = createModels(connection);
  await Promise.all(Object.values(models).map((m) => m.createIndexes()));
  await seedCatalog(models);
  return { connection, models };
}

/** The partner the benchmarks make: global, with every authorisation. */
export const BENCH_PARTNER = {
  cloud: 'global' as const,
  profile: {
    name: 'Bench Partners',
    phone: '+1 425 555 0100',
    email: 'bench@example.com',
    website: 'https://bench.example',
    address: { line1: '1 Main', city: 'Redmond', postalCode: '98052', country: 'US' },
  },
  authorisations: ['subscription-advisor' as const, 'delegated-admin-certified' as const, 'authorised-service-provider' as const],
  admin: { email: 'admin@bench.example', displayName: 'Bench Admin' },
};

/** A partner (global, every authorisation) and its global admin's token, written straight to the database. */
export async function benchPartner(models: Models) {
  const { partner, token } = await createPartnerService({ models }).create(
    BENCH_PARTNER,
    systemRequest(async () => undefined),
  ); // no audit log for the bench's own partner
  return { partnerId: partner._id, token: token.token };
}

/**
 * The API as its own process (as in production), against `mongodbUri`. Without `temporalAddress`,
 * Temporal is not needed for what is measured (it points at a closed port). Ready once `token`
 * reads GET /v1/partner, or without a token once GET /healthz answers 200.
 */
export async function startApi(
  mongodbUri: string,
  token: string | undefined,
  { temporalAddress, env = {} }: { temporalAddress?: string; env?: Record<string, string> } = {},
): Promise<{ url: string; stop(): Promise<void> }> {
  const port = await freePort();
  const child = new ManagedChild('api', process.execPath, ['--import', 'tsx', path.join(root, 'src/api/main.ts')], {
    env: {
      ...process.env,
      MONGODB_URI: mongodbUri,
      TEMPORAL_ADDRESS: temporalAddress ?? `127.0.0.1:${await freePort()}`,
      PORT: String(port),
      LOG_LEVEL: 'error',
      RATE_LIMIT_PER_MINUTE: '100000000',
      RATE_LIMIT_BURST: '100000000',
      OFFERFLOW_SECRET_KEY: BENCH_SECRET_KEY,
      WEBHOOK_ALLOW_PRIVATE_URLS: 'true',
      ...env,
    },
    output: { kind: 'ignore' },
  });
  const url = `http://127.0.0.1:${port}`;
  await waitFor(
    'the API',
    async () => {
      const res = token ? await fetch(`${url}/v1/partner`, { headers: { authorization: `Bearer ${token}` } }) : await fetch(`${url}/healthz`);
      if (res.status !== 200) throw new Error(`status ${res.status}`);
    },
    60_000,
    200,
  );
  return { url, stop: async () => void (await child.stop()) };
}

/** The worker as its own process (tuned as `npm start` starts it), against `mongodbUri` and `temporalAddress`. */
export function startWorker(mongodbUri: string, temporalAddress: string, env: Record<string, string> = {}): ManagedChild {
  return new ManagedChild('worker', process.execPath, [...WORKER_NODE_ARGS, '--import', 'tsx', path.join(root, 'src/worker/main.ts')], {
    env: {
      ...WORKER_ENV,
      ...process.env,
      MONGODB_URI: mongodbUri,
      TEMPORAL_ADDRESS: temporalAddress,
      LOG_LEVEL: 'warn',
      OFFERFLOW_SECRET_KEY: BENCH_SECRET_KEY,
      WEBHOOK_ALLOW_PRIVATE_URLS: 'true',
      ...env,
    },
    output: { kind: 'ignore' },
  });
}

/**
 * A JSON call of the API at `base`: the parsed answer, or an error naming the route and what it answered
 * when the status is not one of `expected`. A change goes with an Idempotency-Key and is sent again
 * after a 503 (a change still in progress under load, as a client would), up to 10 times.
 */
export function apiCaller(base: string) {
  return async (method: string, route: string, body: unknown, token: string | undefined, expected: number | number[]) => {
    const key: Record<string, string> = method === 'GET' ? {} : { 'idempotency-key': randomUUID() };
    let res: Response;
    let text: string;
    for (let attempt = 1; ; attempt++) {
      res = await fetch(`${base}${route}`, {
        method,
        headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...(token ? { authorization: `Bearer ${token}` } : {}), ...key },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      text = await res.text();
      // (the change goes on: the same request again meets it, once the first attempt has let go of its key)
      const inProgress = res.status === 503 || (res.status === 409 && text.includes('/problems/idempotency-key-in-use'));
      if (!inProgress || attempt === 10 || [expected].flat().includes(res.status)) break;
      await new Promise((r) => setTimeout(r, Number(res.headers.get('retry-after') ?? 1) * 1000));
    }
    if (![expected].flat().includes(res.status)) throw new Error(`${method} ${route} answered ${res.status}: ${text}`);
    return JSON.parse(text);
  };
}

/** POST /v1/invitations, then its link once stored: 202 means not stored within the API's wait (a loaded worker); it is, a moment later. */
export async function createInvitation(base: string, partnerToken: string, body: unknown): Promise<{ id: string; url: string }> {
  let invitation = await apiCaller(base)('POST', '/v1/invitations', body, partnerToken, [201, 202]);
  while (!invitation.url) {
    await new Promise((r) => setTimeout(r, 200));
    const read = await fetch(`${base}/v1/invitations/${invitation.id}`, { headers: { authorization: `Bearer ${partnerToken}` } });
    if (read.status === 200) invitation = await read.json();
  }
  return invitation;
}

export function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

export const ms = (x: number) => `${x.toFixed(1)} ms`;

/** The operator token of the API `withBenchStack` starts. */
export const BENCH_OPERATOR_TOKEN = 'bench-operator-token-0123456789abcdef0123456789';
export const BENCH_SECRET_KEY = 'bench-secret-key-0123456789abcdef0123456789';

/**
 * A whole stack of the benchmark's own: FerretDB, a Temporal dev server, the worker and the API
 * (each in its own process; the API's operator token is BENCH_OPERATOR_TOKEN), handed to `use`
 * by the API's URL, and stopped after it, however it ends.
 */
export async function withBenchStack<T>(use: (apiUrl: string) => Promise<T>): Promise<T> {
  const f = await benchFerretDB();
  const temporal = await benchTemporal();
  let worker: ManagedChild | undefined;
  try {
    const uri = `${f.uri}bench`;
    worker = startWorker(uri, temporal.address);
    const api = await startApi(uri, undefined, { temporalAddress: temporal.address, env: { OFFERFLOW_OPERATOR_TOKEN: BENCH_OPERATOR_TOKEN } });
    try {
      return await use(api.url);
    } finally {
      await api.stop();
    }
  } finally {
    await worker?.stop();
    await temporal.stop();
    await f.stop();
  }
}
