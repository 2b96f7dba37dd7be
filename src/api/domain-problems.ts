import { DomainError, type DomainErrorKind } from '../errors';
import { Problem, validationProblem } from './problem';
import type { ProblemSlug } from './problem-types';

/** The problem type each domain error is answered with: the one place a service's refusal becomes HTTP. */
const problemByKind: Record<Exclude<DomainErrorKind, 'invalid-input' | 'customer-token-required'>, ProblemSlug> = {
  'not-found': 'not-found',
  'invalid-cursor': 'invalid-cursor',
  'authorisation-required': 'authorisation-required',
  'role-required': 'role-required',
  conflict: 'conflict',
  'email-taken': 'email-taken',
  'last-global-admin': 'last-global-admin',
  'user-inactive': 'user-inactive',
  'sku-not-available': 'sku-not-available',
  'license-count-out-of-bounds': 'license-count-out-of-bounds',
  'invitation-not-active': 'invitation-not-active',
  'invitation-already-accepted': 'invitation-already-accepted',
  'customer-exists': 'customer-exists',
  'cloud-mismatch': 'cloud-mismatch',
  'partner-not-authorised': 'partner-not-authorised',
  'offer-not-open': 'offer-not-open',
  'customer-not-onboarding': 'customer-not-onboarding',
  'trial-not-cancellable': 'trial-not-cancellable',
  'license-decrease-not-allowed': 'license-decrease-not-allowed',
  'license-count-below-assigned': 'license-count-below-assigned',
  'license-count-unchanged': 'license-count-unchanged',
  'subscription-not-active': 'subscription-not-active',
  'delegated-admin-required': 'delegated-admin-required',
  'relationship-not-pending': 'relationship-not-pending',
  'relationship-ended': 'relationship-ended',
};

export function domainProblem(err: unknown): Problem | undefined {
  if (!(err instanceof DomainError)) return undefined;
  switch (err.kind) {
    case 'invalid-input':
      return validationProblem([{ location: 'body', path: String(err.details.field ?? ''), message: err.message }]);
    case 'customer-token-required':
      return new Problem('unauthenticated', err.message, {}, { 'WWW-Authenticate': 'Bearer realm="offerflow"' });
    default:
      return new Problem(problemByKind[err.kind], err.message, err.details);
  }
}
