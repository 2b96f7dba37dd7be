import { CustomerId, LifecycleStage, PartnerId } from '../search-attributes';
import { Stage } from '../stages';
import type { StartOptions } from '../start-options';
import type { OnboardingInput } from './types';

/** One onboarding per partner and customer. */
export const onboardingWorkflowId = (partnerId: string, customerId: string): string => `onboarding:${partnerId}:${customerId}`;

/** A customer's onboarding, started by the invitation it accepted (or the published offer it joins through). */
export function onboardingStart(input: OnboardingInput): StartOptions<[OnboardingInput]> {
  return {
    workflowId: onboardingWorkflowId(input.partnerId, input.customerId),
    args: [input],
    typedSearchAttributes: [
      { key: PartnerId, value: input.partnerId },
      { key: CustomerId, value: input.customerId },
      { key: LifecycleStage, value: input.trial ? Stage.TrialActive : input.productKey ? Stage.KeyRedeemed : Stage.OfferSent },
    ],
  };
}
