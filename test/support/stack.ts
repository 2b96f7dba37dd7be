import { SecretBox } from '../../src/webhooks/secret-box';
import type { DeliveryPolicy } from '../../workflows/webhooks/start';
import type { AddressInfo } from 'node:net';
import { createServer, type Server } from 'node:http';
import { randomBytes } from 'node:crypto';
import { NativeConnection, type Worker } from '@temporalio/worker';
import type { Client } from '@temporalio/client';
import { createApp } from '../../src/api/app';
import { RateLimiter } from '../../src/api/rate-limit';
import { AuthFailureLimiter } from '../../src/api/auth-failures';
import { cursorKeyFor, pageKeyFor } from '../../src/api/cursor-key';
import { hashSecret } from '../../src/auth/tokens';
import { seedCatalog } from '../../src/catalog/seed';
import { CustomerDirectory } from '../../src/customers/directory/directory';
import { waitFor } from '../../src/async';
import { openMongo, type MongoHandle } from '../../src/db/connection';
import { createModels, type Models } from '../../src/db/models';
import { createLogger } from '../../src/logger';
import type { Mailer } from '../../src/outbox/mailer';
import { openTemporal, type TemporalHandle } from '../../src/temporal/client';
import { installSdkLogger } from '../../src/worker/runtime';
import { createWorker } from '../../src/worker/worker';
import { contractViolations, ResponseContractError } from './openapi-check';
import { testEnv } from './servers';

export interface TestStack {
  baseUrl: string;
  models: Models;
  /** The worker's models (the same as `models` unless workerMongodbUri was given). */
  workerModels: Models;
  directory: CustomerDirectory;
  connection: MongoHandle['connection'];
  client: Client;
  taskQueue: string;
  dbName: string;
  /** Calls the API; `body` is sent as JSON. */
  http(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<HttpResult>;
  stop(): Promise<void>;
}

export interface HttpResult {
  status: number;
  headers: Headers;
  body: any;
  text: string;
}

export interface StackOptions {
  /** false: no worker (e.g. Temporal is meant to be unreachable). */
  worker?: boolean;
  /** Another MongoDB/FerretDB than the run's (URI ending in '/'); not awaited, not dropped. */
  mongodbUri?: string;
  temporalAddress?: string;
  /** Sends the outbox's e-mail (default: none, the outbox only records). */
  mailer?: Mailer;
  /** Where the worker's activities write, when not where the API reads (outage tests). */
  workerMongodbUri?: string;
  updateWaitMs?: number;
  /** How webhooks are delivered (default: private URLs allowed, tries every 200 ms–2 s for a minute, disabled after 5 failed deliveries). */
  webhooks?: { policy?: Partial<DeliveryPolicy>; disableAfterFailedDeliveries?: number; allowPrivateUrls?: boolean };
  /** The directory writers' gathering time (default 200 ms: the production path, quickly). */
  directoryRefreshMs?: number;
  rateLimit?: { perMinute: number; burst: number };
  /** Failed authentications per client address (default: practically unlimited; every test calls from 127.0.0.1). */
  authFailureLimit?: { perMinute: number; burst: number };
  /** Wraps the Temporal client the API uses (fault injection: test/support/lost-answers.ts); the worker's is the real one. */
  apiTemporal?: (client: Client) => Client;
}

/** The key that seals the webhook secrets of every test stack. */
export const SECRET_KEY = 'test-secret-key-0123456789abcdefghijklmnop';

/** The operator token every test stack accepts. */
export const OPERATOR_TOKEN = 'ofo.test-operator-token-0123456789abcdefghij';

const logger = createLogger('test', process.env.TEST_LOG_LEVEL ?? 'silent');

let sdkLoggerInstalled = false;

/**
 * The real thing, in this process: the API on a free port, a worker on a task
 * queue of its own, both against the run's Temporal dev server and a database of
 * this file's own on the run's FerretDB.
 */
export async function startTestStack(opts: StackOptions = {}): Promise<TestStack> {
  if (!sdkLoggerInstalled) {
    installSdkLogger(logger);
    sdkLoggerInstalled = true;
  }
  const suffix = randomBytes(4).toString('hex');
  const dbName = `test_${suffix}`;
  const taskQueue = `test-${suffix}`;
  const mongo: MongoHandle = openMongo(`${opts.mongodbUri ?? testEnv('mongodbUri')}${dbName}`, logger, { serverSelectionTimeoutMS: 1000 });
  const models = createModels(mongo.connection);
  const temporal: TemporalHandle = openTemporal(opts.temporalAddress ?? testEnv('temporalAddress'), 'default');
  if (!opts.mongodbUri) await mongo.ready;

  let worker: Worker | undefined;
  let workerRun: Promise<void> | undefined;
  let nativeConnection: NativeConnection | undefined;
  const workerMongo = opts.workerMongodbUri ? openMongo(`${opts.workerMongodbUri}${dbName}`, logger, { serverSelectionTimeoutMS: 1000 }) : undefined;
  const workerModels = workerMongo ? createModels(workerMongo.connection) : models;
  if (workerMongo) await workerMongo.ready;
  // Listening first, so that the links the API and the workflows hand out are this server's own (a browser test opens them).
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const webhookPolicy: DeliveryPolicy = { timeoutMs: 2000, initialIntervalMs: 200, maxIntervalMs: 2000, retryForMs: 60_000, ...opts.webhooks?.policy };
  const webhooks = { secrets: new SecretBox(SECRET_KEY), allowPrivateUrls: opts.webhooks?.allowPrivateUrls ?? true, policy: webhookPolicy };
  if (opts.worker !== false) {
    nativeConnection = await NativeConnection.connect({ address: opts.temporalAddress ?? testEnv('temporalAddress') });
    worker = await createWorker({
      connection: nativeConnection,
      namespace: 'default',
      taskQueue,
      deps: {
        models: workerModels,
        directory: new CustomerDirectory(workerMongo?.connection ?? mongo.connection),
        temporal: temporal.client,
        taskQueue,
        mailer: opts.mailer,
        directoryRefreshMs: opts.directoryRefreshMs ?? 200,
        publicUrl: baseUrl,
        webhooks: { ...webhooks, disableAfterFailedDeliveries: opts.webhooks?.disableAfterFailedDeliveries ?? 5 },
      },
      workflowBundle: { codePath: testEnv('workflowBundle') },
    });
    workerRun = worker.run();
  }

  if (!opts.mongodbUri) await seedCatalog(models);
  // the API's, reading through its cache as `npm start`'s does
  const directory = new CustomerDirectory(mongo.connection, { readCacheChars: 16 * 2 ** 20 });
  const app = createApp({
    models,
    directory,
    temporal: opts.apiTemporal ? opts.apiTemporal(temporal.client) : temporal.client,
    taskQueue,
    publicUrl: baseUrl,
    logger,
    updateWaitMs: opts.updateWaitMs ?? 10_000,
    webhooks,
    rateLimiter: new RateLimiter(opts.rateLimit?.perMinute ?? 1_000_000, opts.rateLimit?.burst ?? 1_000_000),
    authFailures: new AuthFailureLimiter(opts.authFailureLimit?.perMinute ?? 1_000_000, opts.authFailureLimit?.burst ?? 1_000_000),
    operatorTokenHash: hashSecret(OPERATOR_TOKEN),
    cursorKey: cursorKeyFor(OPERATOR_TOKEN),
    pageKey: pageKeyFor(OPERATOR_TOKEN),
    temporalUiUrl: 'http://temporal-ui.test',
    temporalNamespace: 'default',
    mongoConnection: mongo.connection,
    temporalConnection: temporal.connection,
  });
  server.on('request', app);

  return {
    baseUrl,
    models,
    workerModels,
    directory,
    connection: mongo.connection,
    client: temporal.client,
    taskQueue,
    dbName,
    http: (method, path, body, headers = {}) => httpCall(baseUrl, method, path, body, headers),
    async stop() {
      await new Promise((resolve) => {
        server.close(resolve);
        server.closeAllConnections();
      });
      if (worker) {
        worker.shutdown();
        await workerRun;
      }
      await nativeConnection?.close();
      await temporal.close();
      if (!opts.mongodbUri) await mongo.connection.dropDatabase().catch(() => undefined);
      await mongo.close();
      await workerMongo?.close();
    },
  };
}

/**
 * Calls the API at `baseUrl`; with `timeoutMs`, an answer that takes longer is abandoned (a TimeoutError).
 * An answer that breaks the served OpenAPI document throws a ResponseContractError (test/support/openapi-check.ts).
 */
export async function httpCall(
  baseUrl: string,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
  timeoutMs?: number,
): Promise<HttpResult> {
  const init: RequestInit = { method, headers: { ...headers }, signal: timeoutMs === undefined ? undefined : AbortSignal.timeout(timeoutMs) };
  if (body !== undefined) {
    init.body = typeof body === 'string' ? body : JSON.stringify(body);
    (init.headers as Record<string, string>)['content-type'] ??= 'application/json';
  }
  const res = await fetch(`${baseUrl}${path}`, init);
  const text = await res.text();
  let parsed: unknown;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = undefined;
  }
  const violations = await contractViolations(baseUrl, method, path, { status: res.status, contentType: res.headers.get('content-type'), body: parsed, text });
  if (violations.length > 0) {
    throw new ResponseContractError(
      `${method} ${path} answered ${res.status}, against the OpenAPI document:\n- ${violations.join('\n- ')}\n${text.slice(0, 2000)}`,
    );
  }
  return { status: res.status, headers: res.headers, body: parsed, text };
}

/** Polls `probe` until it returns a truthy value (or throws after `timeoutMs`). */
export function eventually<T>(probe: () => Promise<T | undefined | null | false>, timeoutMs = 20_000, what = 'condition'): Promise<T> {
  return waitFor(
    what,
    async () => {
      const value = await probe();
      if (!value) throw new Error(`not yet (last: ${JSON.stringify(value)})`);
      return value;
    },
    timeoutMs,
    100,
  );
}
