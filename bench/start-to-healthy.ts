/**
 * Benchmark: seconds from `npm start` to the first 200 from /healthz, with the
 * servers already built. Run 1 starts on an empty data directory; the others
 * restart on the data the previous run left.
 *
 *   npm run bench -- start [runs]
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort } from '../src/local/ports';

export async function benchStartToHealthy(runs = 3): Promise<number[]> {
  const root = path.resolve(__dirname, '..');
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'offerflow-bench-start-'));
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PORT: String(await freePort()),
    TEMPORAL_PORT: String(await freePort()),
    TEMPORAL_UI_PORT: String(await freePort()),
    FERRETDB_PORT: String(await freePort()),
    OFFERFLOW_DATA_DIR: dataDir,
    LOG_LEVEL: 'warn',
  };
  delete env.MONGODB_URI;
  delete env.TEMPORAL_ADDRESS;
  const seconds: number[] = [];
  try {
    for (let i = 0; i < runs; i++) {
      const t0 = performance.now();
      const child = spawn('npm', ['start'], { cwd: root, env, detached: true, stdio: 'ignore' });
      const exited = new Promise((r) => child.on('exit', r));
      for (;;) {
        const ok = await fetch(`http://127.0.0.1:${env.PORT}/healthz`, { signal: AbortSignal.timeout(1000) }).then(
          (r) => r.status === 200,
          () => false,
        );
        if (ok) break;
        if (child.exitCode !== null) throw new Error(`npm start exited with ${child.exitCode}`);
        if (performance.now() - t0 > 120_000) throw new Error('not healthy within 120 s');
        await new Promise((r) => setTimeout(r, 50));
      }
      seconds.push((performance.now() - t0) / 1000);
      process.kill(-child.pid!, 'SIGINT');
      await exited;
      await new Promise((r) => setTimeout(r, 1000)); // let the servers release their ports
    }
  } finally {
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
  return seconds;
}
