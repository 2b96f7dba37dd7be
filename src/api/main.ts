import { loadConfig, requireConnections } from '../config';
import { seedCatalog } from '../catalog/seed';
import { CustomerDirectory } from '../customers/directory/directory';
import { openMongo } from '../db/connection';
import { createModels } from '../db/models';
import { createLogger } from '../logger';
import { hashSecret } from '../auth/tokens';
import { openTemporal } from '../temporal/client';
import { SecretBox } from '../webhooks/secret-box';
import { createApp } from './app';
import { cursorKeyFor, pageKeyFor } from './cursor-key';
import { AuthFailureLimiter } from './auth-failures';
import { RateLimiter } from './rate-limit';

/** Well below the time-outs of HTTP clients (often 20–30 s), so that the caller hears 202 or 503 rather than giving up. */
export const DEFAULT_UPDATE_WAIT_MS = 10_000;
export const MONGO_COMMAND_TIMEOUT_MS = 10_000;

/** The API process: serves HTTP on HOST:PORT, even while MongoDB or Temporal is down (answering 503). */
async function main(): Promise<void> {
  const config = requireConnections(loadConfig());
  const logger = createLogger('api', config.logLevel);
  // A database that hangs (rather than refusing) is a 503 after 10 s, like one that is down, not a request that never answers.
  const mongo = openMongo(config.mongodbUri, logger, {
    serverSelectionTimeoutMS: 2000,
    socketTimeoutMS: MONGO_COMMAND_TIMEOUT_MS,
    connectTimeoutMS: 5000,
  });
  const temporal = openTemporal(config.temporalAddress, config.temporalNamespace);
  const models = createModels(mongo.connection);
  if (!config.operatorToken) {
    logger.warn('OFFERFLOW_OPERATOR_TOKEN is not set: the operator routes (/v1/operator) answer 401, and list cursors hold only on this API process');
  }
  void mongo.ready.then(() => seedCatalog(models)).catch((err) => logger.error({ err }, 'seeding the catalog failed'));
  const app = createApp({
    models,
    directory: new CustomerDirectory(mongo.connection, { readCacheChars: config.directoryCacheMb * 2 ** 20 }),
    temporal: temporal.client,
    taskQueue: config.taskQueue,
    publicUrl: config.publicUrl,
    logger,
    updateWaitMs: DEFAULT_UPDATE_WAIT_MS,
    serviceRequestReminderMs: config.serviceRequestReminderMs,
    webhooks: { secrets: new SecretBox(config.secretKey), allowPrivateUrls: config.webhooks.allowPrivateUrls, policy: config.webhooks.policy },
    rateLimiter: new RateLimiter(config.rateLimit.perMinute, config.rateLimit.burst),
    authFailures: new AuthFailureLimiter(config.authFailureLimit.perMinute, config.authFailureLimit.burst),
    operatorTokenHash: config.operatorToken ? hashSecret(config.operatorToken) : undefined,
    cursorKey: cursorKeyFor(config.operatorToken),
    pageKey: pageKeyFor(config.operatorToken),
    temporalUiUrl: config.temporalUiUrl,
    temporalNamespace: config.temporalNamespace,
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
  const stop = (signal: string) => {
    logger.info({ signal }, 'shutting down');
    server.close(() => {
      void Promise.all([mongo.close(), temporal.close()]).finally(() => process.exit(0));
    });
    server.closeIdleConnections();
    setTimeout(() => process.exit(0), 5000).unref();
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
  // Started by `npm start`: leave when the supervisor is gone, even if it was killed outright.
  process.once('disconnect', () => stop('supervisor gone'));
}

main().catch((err) => {
  process.stderr.write(`api failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
