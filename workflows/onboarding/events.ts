import type { SubscriptionSnapshot } from '../../activities/subscriptions/activities';
import type { EventType, LifecycleEvent } from '../events/types';
import type { OnboardingInput } from './types';

/** An event of the customer's trial (started, ending soon, expired): the trial subscription as it stands now. */
export const trialEvent = (
  type: Extract<EventType, `trial.${string}`>,
  input: OnboardingInput,
  trial: SubscriptionSnapshot,
  more: Record<string, unknown> = {},
): LifecycleEvent => ({
  type,
  partnerId: input.partnerId,
  customerId: input.customerId,
  subject: { kind: 'subscription', id: trial.subscriptionId },
  data: {
    subscriptionId: trial.subscriptionId,
    customerId: input.customerId,
    sku: trial.sku,
    licenses: trial.licenses,
    status: trial.status,
    trialEndsAt: trial.trialEndsAt,
    ...(input.invitationId ? { invitationId: input.invitationId } : {}),
    ...more,
  },
});

/**
 * The step an event of this trial is keyed by: a customer may onboard with the partner again
 * later under the same workflow id, with another trial subscription.
 */
export const trialStep = (trial: SubscriptionSnapshot, what = 'trial'): string => `${what}:${trial.subscriptionId}`;
