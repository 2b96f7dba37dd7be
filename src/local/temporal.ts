import fs from 'node:fs';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import { SEARCH_ATTRIBUTES } from '../../workflows/search-attributes';
import { ManagedChild, type OutputSink } from './child';
import { waitFor } from '../async';

export interface TemporalDevServerOptions {
  bin: string;
  host: string;
  port: number;
  /** Omit for a headless server (tests). */
  uiPort?: number;
  /** SQLite file that keeps workflows across restarts; omit for an in-memory server. */
  dbFile?: string;
  namespace: string;
  output: OutputSink;
  readyTimeoutMs?: number;
}

export interface RunningTemporal {
  child: ManagedChild;
  address: string;
  uiUrl?: string;
}

/**
 * Starts `temporal server start-dev` with offerflow's search attributes and waits
 * until its namespace answers and lists every one of them.
 */
export async function startTemporalDevServer(opts: TemporalDevServerOptions): Promise<RunningTemporal> {
  const args = ['server', 'start-dev', '--ip', opts.host, '--port', String(opts.port), '--log-level', 'error'];
  if (opts.namespace !== 'default') args.push('--namespace', opts.namespace);
  if (opts.uiPort) args.push('--ui-port', String(opts.uiPort));
  else args.push('--headless');
  if (opts.dbFile) {
    fs.mkdirSync(path.dirname(opts.dbFile), { recursive: true });
    args.push('--db-filename', opts.dbFile);
  }
  for (const key of SEARCH_ATTRIBUTES) args.push('--search-attribute', `${key.name}=Keyword`);
  // The CLI turns the server's search-attribute cache off (attributes added at run time are then
  // seen at once), so every search attribute a workflow sets reads the namespace and the cluster
  // metadata from SQLite: about 150 reads per onboarding chain on the server's one database
  // connection. Ours are all registered above, before the server starts, so the cache is safe.
  args.push('--dynamic-config-value', 'system.forceSearchAttributesCacheRefreshOnRead=false');

  // The CLI reads ~/.config/temporalio; keep a user's profile out of our server.
  const child = new ManagedChild('temporal', opts.bin, [...args, '--disable-config-file', '--disable-config-env'], {
    output: opts.output,
  });
  const address = `${opts.host}:${opts.port}`;
  try {
    await Promise.race([
      waitFor('Temporal', () => searchAttributesRegistered(address, opts.namespace), opts.readyTimeoutMs ?? 60_000, 300),
      child.exited.then((e) => Promise.reject(new Error(`the Temporal dev server exited during start-up (code ${e.code}, signal ${e.signal})`))),
    ]);
  } catch (err) {
    await child.stop();
    throw err;
  }
  return { child, address, uiUrl: opts.uiPort ? `http://${opts.host}:${opts.uiPort}` : undefined };
}

async function searchAttributesRegistered(address: string, namespace: string): Promise<void> {
  const connection = await Connection.connect({ address, connectTimeout: 1000 });
  try {
    const { customAttributes } = await connection.operatorService.listSearchAttributes({ namespace });
    const missing = SEARCH_ATTRIBUTES.filter((k) => !customAttributes?.[k.name]).map((k) => k.name);
    if (missing.length > 0) throw new Error(`search attributes not registered yet: ${missing.join(', ')}`);
  } finally {
    await connection.close();
  }
}
