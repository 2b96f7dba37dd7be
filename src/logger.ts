import pino from 'pino';

export type Logger = pino.Logger;

/** Structured JSON logs on stdout. Secrets (tokens, codes) must never be passed in. */
export function createLogger(name: string, level: string = process.env.LOG_LEVEL ?? 'info'): Logger {
  return pino({ name, level, base: { service: name } });
}
