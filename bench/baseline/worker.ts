/** The baseline's worker, a process of its own as offerflow's is: `TEMPORAL_ADDRESS=… tsx bench/baseline/worker.ts`. */
import { NativeConnection, Worker } from '@temporalio/worker';
import { createBaselineActivities } from './activities';

export const BASELINE_TASK_QUEUE = 'baseline';

async function main(): Promise<void> {
  const connection = await NativeConnection.connect({ address: process.env.TEMPORAL_ADDRESS! });
  const worker = await Worker.create({
    connection,
    taskQueue: BASELINE_TASK_QUEUE,
    workflowsPath: require.resolve('./workflows'),
    activities: createBaselineActivities(),
    maxCachedWorkflows: 250, // offerflow's default (WORKER_MAX_CACHED_WORKFLOWS)
  });
  process.once('SIGTERM', () => worker.shutdown());
  process.once('SIGINT', () => worker.shutdown());
  process.stdout.write('baseline worker running\n');
  await worker.run();
  await connection.close();
}

if (require.main === module) {
  main().catch((err) => {
    process.stderr.write(`baseline worker failed: ${err instanceof Error ? err.stack : String(err)}\n`);
    process.exit(1);
  });
}
