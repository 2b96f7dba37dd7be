import { DefaultLogger, Runtime, type LogLevel } from '@temporalio/worker';
import type { Logger } from '../logger';

const pinoLevel: Record<LogLevel, 'trace' | 'debug' | 'info' | 'warn' | 'error'> = {
  TRACE: 'trace',
  DEBUG: 'debug',
  INFO: 'info',
  WARN: 'warn',
  ERROR: 'error',
};

/**
 * Sends the Temporal SDK's own logs (worker state, bundler, workflow/activity
 * loggers) through our pino logger. Below WARN they are only noise in operation.
 * Must run before the first worker or native connection is created.
 */
export function installSdkLogger(logger: Logger, level: LogLevel = 'WARN'): void {
  Runtime.install({
    logger: new DefaultLogger(level, ({ level: l, message, meta }) => logger[pinoLevel[l]]({ sdk: true, ...meta }, message)),
  });
}
