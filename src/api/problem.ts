import type { ErrorRequestHandler, RequestHandler } from 'express';
import { ZodError } from 'zod';
import type { Logger } from '../logger';
import { isMongoUnavailable } from '../db/connection';
import { isTemporalBusy, isTemporalUnavailable } from '../temporal/client';
import { PROBLEM_TYPES, type ProblemSlug } from './problem-types';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

export interface FieldError {
  location: 'body' | 'query' | 'path' | 'header';
  path: string;
  message: string;
}

/**
 * An RFC 9457 problem: `slug` makes the stable `type` (`/problems/<slug>`, served
 * as documentation by the API), `detail` is the human sentence for this case.
 */
export class Problem extends Error {
  readonly status: number;
  readonly title: string;

  constructor(
    readonly slug: ProblemSlug,
    readonly detail: string,
    readonly extra: Record<string, unknown> = {},
    /** Response headers that go with it (Retry-After, WWW-Authenticate, Allow). */
    readonly headers: Record<string, string> = {},
  ) {
    super(detail);
    this.status = PROBLEM_TYPES[slug].status;
    this.title = PROBLEM_TYPES[slug].title;
  }

  get type(): string {
    return `/problems/${this.slug}`;
  }

  toJSON(instance?: string): Record<string, unknown> {
    // extension members never override the standard ones
    return { ...this.extra, type: this.type, title: this.title, status: this.status, detail: this.detail, instance };
  }
}

export const notFound = (what: string) => new Problem('not-found', `${what} was not found`);

export const dependencyUnavailable = (dependency: 'MongoDB' | 'Temporal', extra: Record<string, unknown> = {}) =>
  new Problem('dependency-unavailable', `${dependency} is unavailable; try again shortly`, extra);

export function validationProblem(errors: FieldError[]): Problem {
  const first = errors[0];
  const detail = first
    ? `${first.location}${first.path ? ` field '${first.path}'` : ''}: ${first.message}${errors.length > 1 ? ` (and ${errors.length - 1} more)` : ''}`
    : 'the request is invalid';
  return new Problem('validation', detail, { errors });
}

export function zodFieldErrors(error: ZodError, location: FieldError['location']): FieldError[] {
  return error.issues.flatMap((issue) =>
    issue.code === 'unrecognized_keys'
      ? issue.keys.map((key) => ({ location, path: [...issue.path.map(String), key].join('.'), message: 'unknown field' }))
      : [{ location, path: issue.path.map(String).join('.'), message: issue.message }],
  );
}

export function sendProblem(res: Parameters<RequestHandler>[1], problem: Problem, instance?: string): void {
  res.set(problem.headers).status(problem.status).type(PROBLEM_CONTENT_TYPE).send(JSON.stringify(problem.toJSON(instance)));
}

/** Turns anything thrown by a route into a problem response; unknown errors are a logged 500. */
export function problemHandler(logger: Logger, translate: (err: unknown) => Problem | undefined = () => undefined): ErrorRequestHandler {
  return (err, req, res, next) => {
    if (res.headersSent) return next(err);
    const problem = toProblem(err) ?? translate(err);
    if (problem) {
      if (problem.status >= 500) logger.warn({ err: (err as Error)?.message, path: req.path }, problem.detail);
      return sendProblem(res, problem, req.originalUrl);
    }
    logger.error({ err, method: req.method, path: req.path }, 'unhandled error');
    sendProblem(res, new Problem('internal', `an unexpected error occurred; it was logged with request id ${String(req.id ?? 'unknown')}`), req.originalUrl);
  };
}

function toProblem(err: unknown): Problem | undefined {
  if (err instanceof Problem) return err;
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
  if (isTemporalBusy(err)) return new Problem('busy', 'too many requests are working on the same thing right now; try again in a few seconds', {}, { 'Retry-After': '5' });
  return undefined;
}
