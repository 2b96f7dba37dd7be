import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { DAY_MS, DEFAULT_ATTENTION_REMINDER_MS } from '../workflows/durations';
import { TASK_QUEUE } from '../workflows/task-queue';
import { DEFAULT_DELIVERY_POLICY, type DeliveryPolicy } from '../workflows/webhooks/start';

const port = z.coerce.number().int().min(1).max(65535);
const optionalString = z
  .string()
  .trim()
  .transform((v) => (v === '' ? undefined : v))
  .optional();

/** Every environment variable offerflow reads; the README's table lists the same. */
const envSchema = z
  .object({
    PORT: port.default(3000),
    HOST: z.string().min(1).default('127.0.0.1'),
    MONGODB_URI: optionalString,
    TEMPORAL_ADDRESS: optionalString,
    TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
    TEMPORAL_TASK_QUEUE: z.string().min(1).default(TASK_QUEUE),
    TEMPORAL_PORT: port.default(7233),
    TEMPORAL_UI_PORT: port.default(8233),
    TEMPORAL_UI_URL: optionalString,
    FERRETDB_PORT: port.default(27017),
    OFFERFLOW_DATA_DIR: z.string().min(1).default('.data'),
    OFFERFLOW_CACHE_DIR: optionalString,
    PUBLIC_URL: optionalString,
    OFFERFLOW_OPERATOR_TOKEN: optionalString.refine((t) => t === undefined || t.length >= 32, 'must be at least 32 characters'),
    WORKER_MAX_CACHED_WORKFLOWS: z.coerce.number().int().min(0).default(250),
    WORKFLOW_BUNDLE: optionalString,
    DIRECTORY_REFRESH_MS: z.coerce.number().int().min(0).max(60_000).default(1000),
    DIRECTORY_CACHE_MB: z.coerce.number().int().min(0).max(16_384).default(64),
    SERVICE_REQUEST_REMINDER_MS: z.coerce
      .number()
      .int()
      .min(1)
      .max(365 * DAY_MS)
      .default(DEFAULT_ATTENTION_REMINDER_MS),
    SMTP_URL: optionalString,
    SMTP_FROM: z.string().min(3).default('offerflow <noreply@offerflow.localhost>'),
    RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).default(600),
    RATE_LIMIT_BURST: z.coerce.number().int().min(1).default(120),
    AUTH_FAILURE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).default(30),
    AUTH_FAILURE_LIMIT_BURST: z.coerce.number().int().min(1).default(30),
    OFFERFLOW_SECRET_KEY: optionalString.refine((t) => t === undefined || t.length >= 32, 'must be at least 32 characters'),
    WEBHOOK_ALLOW_PRIVATE_URLS: z
      .enum(['true', 'false'])
      .default('false')
      .transform((v) => v === 'true'),
    WEBHOOK_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(DEFAULT_DELIVERY_POLICY.timeoutMs),
    WEBHOOK_RETRY_INITIAL_MS: z.coerce.number().int().min(1).max(DAY_MS).default(DEFAULT_DELIVERY_POLICY.initialIntervalMs),
    WEBHOOK_RETRY_MAX_INTERVAL_MS: z.coerce.number().int().min(1).max(DAY_MS).default(DEFAULT_DELIVERY_POLICY.maxIntervalMs),
    WEBHOOK_RETRY_FOR_MS: z.coerce
      .number()
      .int()
      .min(1000)
      .max(30 * DAY_MS)
      .default(DEFAULT_DELIVERY_POLICY.retryForMs),
    WEBHOOK_DISABLE_AFTER_FAILED_DELIVERIES: z.coerce.number().int().min(1).max(1000).default(5),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  })
  .refine((e) => e.WEBHOOK_RETRY_MAX_INTERVAL_MS >= e.WEBHOOK_RETRY_INITIAL_MS, {
    path: ['WEBHOOK_RETRY_MAX_INTERVAL_MS'],
    message: 'must be at least WEBHOOK_RETRY_INITIAL_MS',
  });

export type Env = z.infer<typeof envSchema>;

/** Names of every environment variable offerflow reads. */
export const ENV_VARS = Object.keys(envSchema.shape) as Array<keyof Env>;

export interface Config {
  port: number;
  host: string;
  /** Base of the links customers open (invitations, offers). */
  publicUrl: string;
  /** Undefined in the embedded default until `npm start` has started FerretDB. */
  mongodbUri?: string;
  temporalAddress?: string;
  temporalNamespace: string;
  taskQueue: string;
  temporalPort: number;
  temporalUiPort: number;
  /** Where the dashboard links each flow (the embedded UI unless set). */
  temporalUiUrl: string;
  ferretdbPort: number;
  dataDir: string;
  cacheDir: string;
  logLevel: Env['LOG_LEVEL'];
  /** The platform operator's token (npm start generates one under the data directory when unset). */
  operatorToken?: string;
  rateLimit: { perMinute: number; burst: number };
  /** Failed authentications a client address may make (429 beyond, before any lookup). */
  authFailureLimit: { perMinute: number; burst: number };
  /** Workflows the worker keeps in memory between tasks; the rest are replayed when they wake (most wait for days). */
  maxCachedWorkflows: number;
  /** A workflow bundle built ahead (its path); unset, the worker bundles workflows/ when it starts. */
  workflowBundle?: string;
  /** How long a partner's directory writer gathers customer changes before writing them (customer list and search lag by that much). */
  directoryRefreshMs: number;
  /** How much of the customer directory the API holds between requests (megabytes; 0: none), checked against the database on every read. */
  directoryCacheMb: number;
  /** How long a service request may need attention before its partner is reminded (a request may ask for another). */
  serviceRequestReminderMs: number;
  /** Outgoing mail; without it the outbox only records. */
  smtp?: { url: string; from: string };
  /** The key that seals webhook secrets at rest (npm start generates one under the data directory when unset). */
  secretKey?: string;
  webhooks: {
    /** Whether webhook URLs may name loopback or private addresses (off: production; on: tests, closed networks). */
    allowPrivateUrls: boolean;
    policy: DeliveryPolicy;
    /** An endpoint is disabled after this many deliveries in a row failed, each after its retries ran out. */
    disableAfterFailedDeliveries: number;
  };
}

export class ConfigError extends Error {}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message} (got ${JSON.stringify(env[String(i.path[0])])})`);
    throw new ConfigError(`invalid environment:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  return {
    port: e.PORT,
    host: e.HOST,
    publicUrl: (e.PUBLIC_URL ?? `http://${e.HOST}:${e.PORT}`).replace(/\/+$/, ''),
    mongodbUri: e.MONGODB_URI,
    temporalAddress: e.TEMPORAL_ADDRESS,
    temporalNamespace: e.TEMPORAL_NAMESPACE,
    taskQueue: e.TEMPORAL_TASK_QUEUE,
    temporalPort: e.TEMPORAL_PORT,
    temporalUiPort: e.TEMPORAL_UI_PORT,
    temporalUiUrl: (e.TEMPORAL_UI_URL ?? `http://${e.HOST}:${e.TEMPORAL_UI_PORT}`).replace(/\/+$/, ''),
    ferretdbPort: e.FERRETDB_PORT,
    dataDir: path.resolve(e.OFFERFLOW_DATA_DIR),
    cacheDir: e.OFFERFLOW_CACHE_DIR ?? path.join(env.XDG_CACHE_HOME || path.join(env.HOME || os.homedir(), '.cache'), 'offerflow'),
    logLevel: e.LOG_LEVEL,
    operatorToken: e.OFFERFLOW_OPERATOR_TOKEN,
    rateLimit: { perMinute: e.RATE_LIMIT_PER_MINUTE, burst: e.RATE_LIMIT_BURST },
    authFailureLimit: { perMinute: e.AUTH_FAILURE_LIMIT_PER_MINUTE, burst: e.AUTH_FAILURE_LIMIT_BURST },
    smtp: e.SMTP_URL ? { url: e.SMTP_URL, from: e.SMTP_FROM } : undefined,
    maxCachedWorkflows: e.WORKER_MAX_CACHED_WORKFLOWS,
    workflowBundle: e.WORKFLOW_BUNDLE,
    directoryRefreshMs: e.DIRECTORY_REFRESH_MS,
    directoryCacheMb: e.DIRECTORY_CACHE_MB,
    serviceRequestReminderMs: e.SERVICE_REQUEST_REMINDER_MS,
    secretKey: e.OFFERFLOW_SECRET_KEY,
    webhooks: {
      allowPrivateUrls: e.WEBHOOK_ALLOW_PRIVATE_URLS,
      policy: {
        timeoutMs: e.WEBHOOK_TIMEOUT_MS,
        initialIntervalMs: e.WEBHOOK_RETRY_INITIAL_MS,
        maxIntervalMs: e.WEBHOOK_RETRY_MAX_INTERVAL_MS,
        retryForMs: e.WEBHOOK_RETRY_FOR_MS,
      },
      disableAfterFailedDeliveries: e.WEBHOOK_DISABLE_AFTER_FAILED_DELIVERIES,
    },
  };
}

/** Config for a process (API, worker) that must be told where its dependencies are, and the key that seals webhook secrets. */
export function requireConnections(config: Config): Config & { mongodbUri: string; temporalAddress: string; secretKey: string } {
  const missing = [
    config.mongodbUri ? undefined : 'MONGODB_URI',
    config.temporalAddress ? undefined : 'TEMPORAL_ADDRESS',
    config.secretKey ? undefined : 'OFFERFLOW_SECRET_KEY',
  ].filter(Boolean);
  if (missing.length > 0) {
    const named = missing.length > 1 ? `${missing.slice(0, -1).join(', ')} and ${missing.at(-1)}` : missing[0];
    throw new ConfigError(`${named} must be set (npm start sets them for the embedded servers)`);
  }
  return config as Config & { mongodbUri: string; temporalAddress: string; secretKey: string };
}
