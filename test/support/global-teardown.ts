import fs from 'node:fs';
import type { RunningFerretDB } from '../../src/local/ferretdb';
import type { RunningTemporal } from '../../src/local/temporal';

export default async function globalTeardown(): Promise<void> {
  const servers = (globalThis as Record<string, unknown>).__offerflowTestServers as
    { ferretdb: RunningFerretDB; temporal: RunningTemporal; dir: string } | undefined;
  if (!servers) return;
  await Promise.all([servers.ferretdb.child.stop(), servers.temporal.child.stop()]);
  if (process.env.OFFERFLOW_TEST_KEEP) process.stderr.write(`test servers' data and logs kept in ${servers.dir}\n`);
  else fs.rmSync(servers.dir, { recursive: true, force: true });
}
