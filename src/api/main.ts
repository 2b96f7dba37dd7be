import { loadConfig, requireConnections } from '../config';
import { openMongo } from '../db/connection';
import { createModels } from '../db/models';
import { createLogger } from '../logger';
import { openTemporal } from '../temporal/client';
import { createApp } from './app';

/** The API process: serves HTTP on HOST:PORT, even while MongoDB or Temporal is down (answering 503). */
async function main(): Promise<void> {
  const config = requireConnections(loadConfig());
  const logger = createLogger('api', config.logLevel);
  const mongo = openMongo(config.mongodbUri, logger, { serverSelectionTimeoutMS: 2000 });
  const temporal = openTemporal(config.temporalAddress, config.temporalNamespace);
  const app = createApp({
    models: createModels(mongo.connection),
    temporal: temporal.client,
    taskQueue: config.taskQueue,
    publicUrl: config.publicUrl,
    logger,
    updateWaitMs: 10_000,
    mongoConnection: mongo.connection,
    temporalConnection: temporal.connection,
  });
  const server = app.listen(config.port, config.host);
  server.on('error', (err: NodeJS.ErrnoException) => {
    const hint = err.code === 'EADDRINUSE' ? `: port ${config.port} is in use, set PORT to another port` : '';
    logger.fatal({ err }, `cannot listen on ${config.host}:${config.port}${hint}`);
    process.exit(1);
  });
  server.on('listening', () => logger.info({ url: `http://${config.host}:${config.port}` }, 'API listening'));
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      logger.info({ signal }, 'shutting down');
      server.close(async () => {
        await Promise.all([mongo.close(), temporal.close()]);
        process.exit(0);
      });
      server.closeIdleConnections();
      setTimeout(() => process.exit(0), 5000).unref();
    });
  }
}

main().catch((err) => {
  process.stderr.write(`api failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
