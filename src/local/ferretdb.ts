import fs from 'node:fs';
import path from 'node:path';
import mongoose from 'mongoose';
import { ManagedChild, type OutputSink } from './child';
import { waitFor } from '../async';

export interface FerretDBOptions {
  bin: string;
  host: string;
  port: number;
  /** FerretDB keeps one SQLite file per database here. */
  dataDir: string;
  output: OutputSink;
  readyTimeoutMs?: number;
  /** host:port for FerretDB's metrics and pprof listener (default: none). */
  debugAddr?: string;
}

export interface RunningFerretDB {
  child: ManagedChild;
  uri: string;
}

/** Starts FerretDB (MongoDB wire protocol over SQLite) and waits until it answers a ping. */
export async function startFerretDB(opts: FerretDBOptions): Promise<RunningFerretDB> {
  const dir = path.resolve(opts.dataDir);
  fs.mkdirSync(dir, { recursive: true });
  const child = new ManagedChild(
    'ferretdb',
    opts.bin,
    [
      '--handler=sqlite',
      `--sqlite-url=file:${dir}/`,
      `--state-dir=${dir}`,
      `--listen-addr=${opts.host}:${opts.port}`,
      `--debug-addr=${opts.debugAddr ?? '-'}`, // by default no metrics/pprof listener (it would take a fixed port)
      '--telemetry=disable',
      '--log-level=error', // at warn it logs every command it does not know (e.g. endSessions)
    ],
    { output: opts.output },
  );
  const uri = `mongodb://${opts.host}:${opts.port}/`;
  try {
    await Promise.race([
      waitFor('FerretDB', () => ping(uri), opts.readyTimeoutMs ?? 30_000),
      child.exited.then((e) => Promise.reject(new Error(`FerretDB exited during start-up (code ${e.code}, signal ${e.signal})`))),
    ]);
  } catch (err) {
    await child.stop();
    throw err;
  }
  return { child, uri };
}

async function ping(uri: string): Promise<void> {
  const client = new mongoose.mongo.MongoClient(uri, { serverSelectionTimeoutMS: 500, connectTimeoutMS: 500 });
  try {
    await client.db('admin').command({ ping: 1 });
  } finally {
    await client.close();
  }
}
