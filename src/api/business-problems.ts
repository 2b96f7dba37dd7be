import { InvitationFailure } from '../../workflows/invitations/failures';
import { OfferFailure } from '../../workflows/offers/failures';
import { OnboardingFailure } from '../../workflows/onboarding/failures';
import { SubscriptionFailure } from '../../workflows/subscriptions/failures';
import { DelegatedAdminFailure } from '../../workflows/delegated-admin/failures';
import { applicationFailureOf } from '../temporal/failures';
import { Problem } from './problem';
import type { ProblemSlug } from './problem-types';

/** Every business refusal a workflow can answer with, as the problem the API returns. */
const problemByFailureType: Record<string, ProblemSlug> = {
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
  [SubscriptionFailure.OutOfBounds]: 'license-count-out-of-bounds',
  [SubscriptionFailure.DecreaseOutsideWindow]: 'license-decrease-not-allowed',
  [SubscriptionFailure.BelowAssigned]: 'license-count-below-assigned',
  [SubscriptionFailure.Unchanged]: 'license-count-unchanged',
  [SubscriptionFailure.Cancelled]: 'subscription-not-active',
  [DelegatedAdminFailure.NotPending]: 'relationship-not-pending',
  [DelegatedAdminFailure.NotActive]: 'relationship-ended',
};

/** Translates a workflow's non-retryable ApplicationFailure into its problem. */
export function businessProblem(err: unknown): Problem | undefined {
  const failure = applicationFailureOf(err);
  const slug = failure?.type ? problemByFailureType[failure.type] : undefined;
  if (!failure || !slug) return undefined;
  const details = failure.details?.[0];
  return new Problem(slug, failure.message, typeof details === 'object' && details ? { ...details } : {});
}
