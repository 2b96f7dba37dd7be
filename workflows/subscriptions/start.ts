import { CustomerId, LifecycleStage, OfferId, PartnerId } from '../search-attributes';
import { Stage } from '../stages';
import type { StartOptions } from '../start-options';
import type { SubscriptionInput } from './types';

/** One entity workflow per paid subscription, for its whole life. */
export const subscriptionWorkflowId = (subscriptionId: string): string => `subscription:${subscriptionId}`;

/** A paid subscription, started by the onboarding that bought it (through the offer `offerId`). */
export function subscriptionStart(input: SubscriptionInput, offerId?: string): StartOptions<[SubscriptionInput]> {
  return {
    workflowId: subscriptionWorkflowId(input.subscriptionId),
    args: [input],
    typedSearchAttributes: [
      { key: PartnerId, value: input.partnerId },
      { key: CustomerId, value: input.customerId },
      { key: LifecycleStage, value: Stage.SubscriptionActive },
      ...(offerId ? [{ key: OfferId, value: offerId }] : []),
    ],
  };
}
