import type { RequestHandler } from 'express';
import { ZodError } from 'zod';
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

/** How long a caller should wait before trying again while a dependency is down (seconds). */
export const RETRY_AFTER_UNAVAILABLE_S = 2;

export const dependencyUnavailable = (dependency: 'MongoDB' | 'Temporal', extra: Record<string, unknown> = {}) =>
  new Problem('dependency-unavailable', `${dependency} is unavailable; try again shortly`, extra, { 'Retry-After': String(RETRY_AFTER_UNAVAILABLE_S) });

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
  res
    .set(problem.headers)
    .status(problem.status)
    .type(PROBLEM_CONTENT_TYPE)
    .send(JSON.stringify(problem.toJSON(instance)));
}
