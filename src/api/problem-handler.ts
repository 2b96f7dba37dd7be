import type { ErrorRequestHandler } from 'express';
import { isMongoUnavailable } from '../db/connection';
import type { Logger } from '../logger';
import { isTemporalBusy, isTemporalUnavailable } from '../temporal/client';
import { domainProblem } from './domain-problems';
import { dependencyUnavailable, Problem, sendProblem } from './problem';

/** Turns anything thrown by a route into a problem response; unknown errors are a logged 500. */
export function problemHandler(logger: Logger): ErrorRequestHandler {
  return (err, req, res, next) => {
    if (res.headersSent) return next(err);
    const problem = toProblem(err);
    if (problem) {
      if (problem.status >= 500) logger.warn({ err: (err as Error)?.message, path: req.path }, problem.detail);
      return sendProblem(res, problem, req.originalUrl);
    }
    logger.error({ err, method: req.method, path: req.path }, 'unhandled error');
    sendProblem(res, new Problem('internal', `an unexpected error occurred; it was logged with request id ${String(req.id ?? 'unknown')}`), req.originalUrl);
  };
}

/** The problem an error is answered with (pages show the same one as a page); undefined for an unexpected error. */
export function toProblem(err: unknown): Problem | undefined {
  if (err instanceof Problem) return err;
  const refusal = domainProblem(err);
  if (refusal) return refusal;
  const e = err as { type?: string; status?: number; message?: string; limit?: number };
  // body-parser's errors carry a `type`
  if (e?.type === 'entity.parse.failed') {
    return new Problem('malformed-body', `the body is not valid JSON: ${e.message}`);
  }
  if (e?.type === 'entity.too.large') {
    return new Problem('body-too-large', `the body exceeds the limit of ${e.limit} bytes`);
  }
  if (e?.type === 'encoding.unsupported' || e?.type === 'charset.unsupported') {
    return new Problem('unsupported-media-type', e.message ?? 'unsupported encoding');
  }
  if (isMongoUnavailable(err)) return dependencyUnavailable('MongoDB');
  if (isTemporalUnavailable(err)) return dependencyUnavailable('Temporal');
  if (isTemporalBusy(err))
    return new Problem('busy', 'too many requests are working on the same thing right now; try again in a few seconds', {}, { 'Retry-After': '5' });
  return undefined;
}
