import { Client, Connection } from '@temporalio/client';
import { CustomerDirectory } from '../customers/directory/directory';
import { smtpMailer } from '../outbox/smtp';
import { SecretBox } from '../webhooks/secret-box';
import { NativeConnection } from '@temporalio/worker';
import { loadConfig, requireConnections } from '../config';
import { openMongo } from '../db/connection';
import { createModels } from '../db/models';
import { createLogger } from '../logger';
import { waitFor } from '../async';
import { installSdkLogger } from './runtime';
import { bundleWorkflowsApart } from './bundle';
import { ensureSchedules } from './schedules';
import { createWorker } from './worker';

/** The worker process: runs every workflow and activity on the task queue until SIGINT/SIGTERM. */
async function main(): Promise<void> {
  const config = requireConnections(loadConfig());
  const logger = createLogger('worker', config.logLevel);
  installSdkLogger(logger);
  let stop: (signal: string) => void = (signal) => {
    logger.info({ signal }, 'stopping before the worker started');
    process.exit(0);
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
  // Started by `npm start`: leave when the supervisor is gone, even if it was killed outright.
  process.once('disconnect', () => stop('supervisor gone'));
  const mongo = openMongo(config.mongodbUri, logger);
  const models = createModels(mongo.connection);
  logger.info({ address: config.temporalAddress, namespace: config.temporalNamespace }, 'connecting to Temporal');
  const connection = await waitFor('Temporal', () => NativeConnection.connect({ address: config.temporalAddress }), Number.POSITIVE_INFINITY, 2000);
  const clientConnection = await Connection.connect({ address: config.temporalAddress });
  const worker = await createWorker({
    workflowBundle: config.workflowBundle ? { codePath: config.workflowBundle } : await bundleWorkflowsApart(),
    options: { maxCachedWorkflows: config.maxCachedWorkflows },
    connection,
    namespace: config.temporalNamespace,
    taskQueue: config.taskQueue,
    deps: {
      models,
      directory: new CustomerDirectory(mongo.connection),
      temporal: new Client({ connection: clientConnection, namespace: config.temporalNamespace }),
      taskQueue: config.taskQueue,
      mailer: config.smtp ? smtpMailer(config.smtp.url, config.smtp.from) : undefined,
      directoryRefreshMs: config.directoryRefreshMs,
      publicUrl: config.publicUrl,
      webhooks: { ...config.webhooks, secrets: new SecretBox(config.secretKey) },
    },
  });
  stop = (signal: string) => {
    logger.info({ signal }, 'shutting down');
    worker.shutdown();
  };
  await ensureSchedules(clientConnection, config.temporalNamespace, config.taskQueue);
  logger.info({ taskQueue: config.taskQueue }, 'worker running');
  const running = worker.run();
  // Started by `npm start`: its banner waits for this, so that the first request after "ready" finds a worker.
  process.send?.({ ready: true });
  await running;
  await connection.close();
  await clientConnection.close();
  await mongo.close();
  logger.info('worker stopped');
  // The IPC channel from `npm start` would keep the event loop alive.
  process.exit(0);
}

main().catch((err) => {
  process.stderr.write(`worker failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
