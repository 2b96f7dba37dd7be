import { ApplicationFailure } from '@temporalio/activity';
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { Models } from '../../src/db/models';
import { OfferFailure } from '../../workflows/offers/failures';
import type { OfferState, PurchaseRequest, PurchaseResult } from '../../workflows/offers/types';
import { onboardingWorkflowId } from '../../workflows/onboarding/ids';
import { purchaseUpdate } from '../../workflows/onboarding/messages';
import { saveSnapshot } from '../snapshot';

export function createOfferActivities(deps: { models: Models; temporal: Client }) {
  return {
    /** Stores one customer's view of an offer (idempotent, ordered by revision). */
    async saveOfferRecipient(snapshot: OfferState & { revision: number }): Promise<void> {
      await saveSnapshot(deps.models.OfferRecipient, `${snapshot.offerId}|${snapshot.customerId}`, snapshot);
    },

    /** Asks the customer's onboarding to buy (it converts the trial or creates subscriptions; idempotent per offer). */
    async purchaseThroughOnboarding(partnerId: string, customerId: string, request: PurchaseRequest): Promise<PurchaseResult> {
      try {
        return await deps.temporal.workflow.getHandle(onboardingWorkflowId(partnerId, customerId)).executeUpdate(purchaseUpdate, { args: [request] });
      } catch (err) {
        if (err instanceof WorkflowNotFoundError) {
          throw ApplicationFailure.nonRetryable('the customer is not onboarding with this partner (its trial was removed, or it never had one)', OfferFailure.NotOnboarding);
        }
        throw err;
      }
    },
  };
}

export type OfferActivities = ReturnType<typeof createOfferActivities>;
