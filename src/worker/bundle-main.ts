import fs from 'node:fs';
import { bundleWorkflowCode } from '@temporalio/worker';
import { WORKFLOWS_PATH } from './worker';

/** Bundles workflows/ into the file named on the command line (run as a process of its own: see bundle.ts). */
async function main(): Promise<void> {
  const out = process.argv[2];
  if (!out) throw new Error('usage: bundle-main <output file>');
  const noop = () => undefined;
  const { code } = await bundleWorkflowCode({
    workflowsPath: WORKFLOWS_PATH,
    logger: { trace: noop, debug: noop, info: noop, warn: noop, error: (m: string) => process.stderr.write(`${m}\n`), log: noop },
  });
  fs.writeFileSync(out, code);
}

main().catch((err) => {
  process.stderr.write(`bundling the workflows failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
