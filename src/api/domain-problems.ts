import { DomainError } from '../errors';
import { Problem, validationProblem } from './problem';

/**
 * The problem each domain error is answered with: the one place a service's refusal becomes
 * HTTP. A kind is its problem type's slug (tsc checks that each one is), but for the two that
 * are answered in a shape of their own.
 */
export function domainProblem(err: unknown): Problem | undefined {
  if (!(err instanceof DomainError)) return undefined;
  switch (err.kind) {
    case 'invalid-input':
      return validationProblem([{ location: 'body', path: String(err.details.field ?? ''), message: err.message }]);
    case 'change-in-progress':
      return new Problem(err.kind, err.message, err.details, { 'Retry-After': '2' });
    case 'customer-token-required':
      return new Problem('unauthenticated', err.message, {}, { 'WWW-Authenticate': 'Bearer realm="offerflow"' });
    default:
      return new Problem(err.kind, err.message, err.details);
  }
}
