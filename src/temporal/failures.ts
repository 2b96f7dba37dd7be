import { ApplicationFailure, WorkflowNotFoundError, type WorkflowExecutionDescription, type WorkflowHandle } from '@temporalio/client';
import { DelegatedAdminFailure } from '../../workflows/delegated-admin/failures';
import { InvitationFailure } from '../../workflows/invitations/failures';
import { OfferFailure } from '../../workflows/offers/failures';
import { OnboardingFailure } from '../../workflows/onboarding/failures';
import { ProductKeyFailure } from '../../workflows/product-keys/failures';
import { ServiceRequestFailure } from '../../workflows/service-requests/failures';
import { SubscriptionFailure } from '../../workflows/subscriptions/failures';
import { DOMAIN_REFUSAL, DomainError, type DomainErrorKind } from '../errors';
import { isTemporalBusy } from './client';

/** Every business refusal a workflow (or its activities) can answer with, as the domain error services throw. */
const kindByFailureType: Record<string, DomainErrorKind> = {
  [InvitationFailure.NotActive]: 'invitation-not-active',
  [InvitationFailure.PartnerNotAuthorised]: 'partner-not-authorised',
  [OnboardingFailure.CustomerExists]: 'customer-exists',
  [OnboardingFailure.CloudMismatch]: 'cloud-mismatch',
  [OnboardingFailure.CustomerNotFound]: 'not-found',
  [OnboardingFailure.Ended]: 'customer-not-onboarding',
  [OnboardingFailure.AlreadyPurchased]: 'trial-not-cancellable',
  [OfferFailure.NotOpen]: 'offer-not-open',
  [OfferFailure.OutOfBounds]: 'license-count-out-of-bounds',
  [OfferFailure.UnknownSku]: 'sku-not-available',
  [OfferFailure.NotOnboarding]: 'customer-not-onboarding',
  [OfferFailure.PartnerNotAuthorised]: 'partner-not-authorised',
  [SubscriptionFailure.OutOfBounds]: 'license-count-out-of-bounds',
  [SubscriptionFailure.DecreaseOutsideWindow]: 'license-decrease-not-allowed',
  [SubscriptionFailure.BelowAssigned]: 'license-count-below-assigned',
  [SubscriptionFailure.Unchanged]: 'license-count-unchanged',
  [SubscriptionFailure.Cancelled]: 'subscription-not-active',
  [SubscriptionFailure.PartnerOfRecordUnchanged]: 'partner-of-record-unchanged',
  [SubscriptionFailure.PartnerOfRecordChangePending]: 'partner-of-record-change-pending',
  [SubscriptionFailure.PartnerOfRecordRequestNotPending]: 'partner-of-record-request-not-pending',
  [SubscriptionFailure.Upgrading]: 'change-in-progress',
  [DelegatedAdminFailure.NotPending]: 'relationship-not-pending',
  [DelegatedAdminFailure.NotActive]: 'relationship-ended',
  [DelegatedAdminFailure.NotOffered]: 'delegated-admin-not-offered',
  [DelegatedAdminFailure.NotGranting]: 'delegated-admin-required',
  [DelegatedAdminFailure.RoleTooLow]: 'delegated-admin-role-insufficient',
  [DelegatedAdminFailure.PartnerNotCertified]: 'partner-not-authorised',
  [ServiceRequestFailure.Closed]: 'service-request-closed',
  [ServiceRequestFailure.StatusUnchanged]: 'service-request-status-unchanged',
  [ServiceRequestFailure.InvalidInput]: 'invalid-input',
  [ServiceRequestFailure.NotFound]: 'not-found',
  [ProductKeyFailure.Unknown]: 'not-found',
  [ProductKeyFailure.Redeemed]: 'product-key-redeemed',
};

/** The ApplicationFailure a workflow refused with (through an update, or as a failed workflow), if any. */
export function applicationFailureOf(err: unknown): ApplicationFailure | undefined {
  for (let e: unknown = err, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    if (e instanceof ApplicationFailure && e.type) return e;
  }
  return undefined;
}

/** A workflow's business refusal as a domain error (its details passed on), or undefined for anything else. */
export function refusalOf(err: unknown): DomainError | undefined {
  const failure = applicationFailureOf(err);
  const details = failure?.details?.[0];
  const facts: Record<string, unknown> = typeof details === 'object' && details ? { ...details } : {};
  if (failure?.type === DOMAIN_REFUSAL && typeof facts.kind === 'string') {
    const { kind, ...rest } = facts;
    return new DomainError(kind as DomainErrorKind, failure.message, rest);
  }
  const kind = failure?.type ? kindByFailureType[failure.type] : undefined;
  if (!failure || !kind) return undefined;
  return new DomainError(kind, failure.message, facts);
}

/**
 * Calls a workflow (an update, a query, a start): a business refusal becomes its
 * domain error, and a workflow that has ended (or never was) becomes what
 * `whenGone` says, for only the caller knows what that means (an invitation
 * expired, an offer no longer open). Temporal being down stays as it is: the
 * API answers 503 for it. With `waitMs`, an answer that takes longer is not
 * waited for: the change goes on in its workflow and the caller is told to
 * ask again (a retry with the request's Idempotency-Key meets the same update).
 */
export async function callWorkflow<T>(call: () => Promise<T>, whenGone?: () => DomainError | Promise<DomainError>, waitMs?: number): Promise<T> {
  try {
    if (waitMs === undefined) return await whileBusy(call, BUSY_RETRY_MS);
    const pending = whileBusy(call, waitMs);
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<typeof LATE>((resolve) => (timer = setTimeout(() => resolve(LATE), waitMs)));
    try {
      const answer = await Promise.race([pending, late]);
      if (answer === LATE)
        throw new DomainError('change-in-progress', `the change was not confirmed within ${waitMs / 1000} s; it goes on: retry for its result`);
      return answer;
    } finally {
      clearTimeout(timer);
      pending.catch(() => undefined); // answered after the caller moved on
    }
  } catch (err) {
    if (whenGone && err instanceof WorkflowNotFoundError) throw await whenGone();
    throw refusalOf(err) ?? err;
  }
}

const LATE = Symbol('late');
const BUSY_RETRY_MS = 10_000;

/**
 * Calls again, after a short pause, while Temporal turns the call away as busy (a workflow takes
 * only so many updates in flight at once: 50 customers accepting one invitation together) or
 * aborts an update it had admitted (under load): an update's id makes a repeat harmless. Busy
 * past `forMs`, it is the caller's 503.
 */
async function whileBusy<T>(call: () => Promise<T>, forMs: number): Promise<T> {
  const until = Date.now() + forMs;
  for (let pause = 50; ; pause = Math.min(pause * 2, 1_000)) {
    try {
      return await call();
    } catch (err) {
      if (!isTemporalBusy(err) || Date.now() + pause > until) throw err;
      await new Promise((r) => setTimeout(r, pause * (0.5 + Math.random())));
    }
  }
}

/** True when `err` is a refusal of the given kinds (e.g. an offer accepted or ended meanwhile). */
export const isRefusal = (err: unknown, ...kinds: DomainErrorKind[]): boolean => err instanceof DomainError && kinds.includes(err.kind);

/** The workflow's description, or undefined when there is no such workflow (Temporal being down is an error, never "none"). */
export async function describeIfAny(handle: WorkflowHandle): Promise<WorkflowExecutionDescription | undefined> {
  try {
    return await handle.describe();
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return undefined;
    throw err;
  }
}
