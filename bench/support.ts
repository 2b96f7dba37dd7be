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

/** A partner (global, every authorisation) and its global admin's token, written straight to the database. */
export async function benchPartner(models: Models) {
  const { partner, token } = await createPartnerService({ models }).create(
    {
      cloud: 'global',
      profile: {
        name: 'Bench Partners',
        phone: '+1 425 555 0100',
        email: 'bench@example.com',
        website: 'https://bench.example',
        address: { line1: '1 Main', city: 'Redmond', postalCode: '98052', country: 'US' },
      },
      authorisations: ['subscription-advisor', 'delegated-admin-certified', 'authorised-service-provider'],
      admin: { email: 'admin@bench.example', displayName: 'Bench Admin' },
    },
    systemRequest(async () => undefined),
  ); // no audit log for the bench's own partner
  return { partnerId: partner._id, token: token.token };
}

/** The API as its own process (as in production), against `mongodbUri`; Temporal is not needed for what is measured. */
export async function startApi(mongodbUri: string, token: string): Promise<{ url: string; stop(): Promise<void> }> {
  const port = await freePort();
  const child = new ManagedChild('api', process.execPath, ['--import', 'tsx', path.join(root, 'src/api/main.ts')], {
    env: {
      ...process.env,
      MONGODB_URI: mongodbUri,
      TEMPORAL_ADDRESS: `127.0.0.1:${await freePort()}`,
      PORT: String(port),
      LOG_LEVEL: 'error',
      RATE_LIMIT_PER_MINUTE: '100000000',
      RATE_LIMIT_BURST: '100000000',
    },
    output: { kind: 'ignore' },
  });
  const url = `http://127.0.0.1:${port}`;
  await waitFor(
    'the API',
    async () => {
      const res = await fetch(`${url}/v1/partner`, { headers: { authorization: `Bearer ${token}` } });
      if (res.status !== 200) throw new Error(`status ${res.status}`);
    },
    60_000,
    200,
  );
  return { url, stop: async () => void (await child.stop()) };
}

export function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

export const ms = (x: number) => `${x.toFixed(1)} ms`;
