/**
 * What a service refuses with. Services know nothing of HTTP: they throw a
 * DomainError of a stable kind, and the API maps each kind to its problem type
 * in one place (src/api/domain-problems.ts).
 */
export type DomainErrorKind =
  | 'not-found'
  | 'invalid-input'
  | 'invalid-cursor'
  | 'customer-token-required'
  | 'authorisation-required'
  | 'role-required'
  | 'role-above-own'
  | 'conflict'
  | 'email-taken'
  | 'last-global-admin'
  | 'user-inactive'
  | 'sku-not-available'
  | 'license-count-out-of-bounds'
  | 'invitation-not-active'
  | 'invitation-already-accepted'
  | 'customer-exists'
  | 'cloud-mismatch'
  | 'partner-not-authorised'
  | 'offer-not-open'
  | 'customer-not-onboarding'
  | 'trial-not-cancellable'
  | 'license-decrease-not-allowed'
  | 'license-count-below-assigned'
  | 'license-count-unchanged'
  | 'subscription-not-active'
  | 'delegated-admin-required'
  | 'delegated-admin-already-requested'
  | 'delegated-admin-not-offered'
  | 'relationship-not-pending'
  | 'relationship-ended'
  | 'delegated-admin-role-insufficient'
  | 'licenses-exhausted'
  | 'sku-not-subscribed'
  | 'password-change-required'
  | 'secret-withdrawn'
  | 'invalid-credentials'
  | 'service-request-closed'
  | 'service-request-status-unchanged'
  | 'product-key-redeemed'
  | 'partner-not-found'
  | 'partner-not-subscription-advisor'
  | 'partner-of-record-unchanged'
  | 'partner-of-record-change-pending'
  | 'partner-of-record-request-not-pending'
  | 'webhook-url-not-allowed'
  | 'webhook-endpoint-disabled'
  /** Not a refusal: the workflow took the change and has not confirmed it in time (answered 503, retry). */
  | 'change-in-progress';

export class DomainError extends Error {
  constructor(
    readonly kind: DomainErrorKind,
    message: string,
    /** Facts a caller may act on (e.g. `offerStatus`), passed on as they are. */
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

export const notFound = (what: string) => new DomainError('not-found', `${what} was not found`);

/** An input that passed its schema but not the rule that ties it to others (`field` names it). */
export const invalidInput = (field: string, message: string) => new DomainError('invalid-input', message, { field });

/** The ApplicationFailure type of a domain error raised in an activity: its kind travels in the failure's details, and the API throws it again as it was. */
export const DOMAIN_REFUSAL = 'DomainRefusal';
