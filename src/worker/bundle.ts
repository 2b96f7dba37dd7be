import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * Bundles the workflow code in a short-lived process of its own: webpack's
 * memory (a few hundred MB) is returned with that process instead of staying
 * in the long-running worker.
 */
export async function bundleWorkflowsApart(): Promise<{ code: string }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'offerflow-workflows-'));
  const out = path.join(dir, 'workflow-bundle.js');
  const fromSource = path.extname(__filename) === '.ts';
  const entry = path.join(__dirname, `bundle-main${fromSource ? '.ts' : '.js'}`);
  const child = spawn(process.execPath, [...(fromSource ? ['--import', 'tsx'] : []), entry, out], { stdio: ['ignore', 'inherit', 'inherit'] });
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  try {
    if (code !== 0) throw new Error(`bundling the workflows failed (exit ${code})`);
    return { code: fs.readFileSync(out, 'utf8') };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
