import { ApplicationFailure, Context } from '@temporalio/activity';
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { Models } from '../../src/db/models';
import { OfferFailure } from '../../workflows/offers/failures';
import type { OfferSent, OfferState, PurchaseRequest, PurchaseResult } from '../../workflows/offers/types';
import { offerSentUpdate, purchaseUpdate } from '../../workflows/onboarding/messages';
import { onboardingWorkflowId } from '../../workflows/onboarding/start';
import { countInFunnel } from '../../src/funnel/count';
import { saveSnapshot } from '../records';

export function createOfferActivities(deps: { models: Models; temporal: Client }) {
  const onboarding = (partnerId: string, customerId: string) => deps.temporal.workflow.getHandle(onboardingWorkflowId(partnerId, customerId));
  return {
    /** Stores one customer's view of an offer (idempotent, ordered by revision). */
    async saveOfferRecipient(snapshot: OfferState & { revision: number }): Promise<void> {
      await saveSnapshot(deps.models.OfferRecipient, `${snapshot.offerId}|${snapshot.customerId}`, snapshot);
      // counted with the snapshot that says it was sent (a retry of this activity counts it again: a set)
      if (snapshot.status === 'sent') {
        await countInFunnel(deps.models, { partnerId: snapshot.partnerId, step: 'offer-sent', member: snapshot.customerId, at: snapshot.sentAt });
      }
    },

    /**
     * Asks the customer's onboarding to buy (it converts the trial or creates subscriptions;
     * idempotent per offer). It heartbeats while it waits: should its worker die, the
     * purchase is tried again within the heartbeat timeout.
     */
    async purchaseThroughOnboarding(partnerId: string, customerId: string, request: PurchaseRequest): Promise<PurchaseResult> {
      const context = Context.current();
      // an offer sent before the partner lost the authorisation is no longer accepted (checked before the purchase is asked for, not on a retry of it)
      if (context.info.attempt === 1) {
        const partner = await deps.models.Partner.findById(partnerId, { authorisations: 1 }).lean();
        if (!partner?.authorisations.includes('subscription-advisor')) {
          throw ApplicationFailure.nonRetryable(
            'the partner is no longer authorised as subscription advisor: its offers can no longer be accepted',
            OfferFailure.PartnerNotAuthorised,
          );
        }
      }
      context.heartbeat();
      const alive = setInterval(() => context.heartbeat(), 2_000);
      try {
        return await onboarding(partnerId, customerId).executeUpdate(purchaseUpdate, { args: [request] });
      } catch (err) {
        if (err instanceof WorkflowNotFoundError) {
          throw ApplicationFailure.nonRetryable(
            'the customer is not onboarding with this partner (its trial was removed, or it never had one)',
            OfferFailure.NotOnboarding,
          );
        }
        throw err;
      } finally {
        clearInterval(alive);
      }
    },

    /**
     * Tells the customer's onboarding that this offer is open, so that it supersedes
     * the customer's older open offer (idempotent per offer). A customer that is not
     * onboarding any more has nothing to supersede.
     */
    async announceOfferToOnboarding(offer: OfferSent): Promise<void> {
      try {
        await onboarding(offer.partnerId, offer.customerId).executeUpdate(offerSentUpdate, { args: [offer] });
      } catch (err) {
        if (!(err instanceof WorkflowNotFoundError)) throw err;
      }
    },

    /** The customer's offers from the partner still open, as stored (those sent before onboardings kept track of them). */
    async findOpenOffers(partnerId: string, customerId: string): Promise<OfferSent[]> {
      const open = await deps.models.OfferRecipient.find({ partnerId, customerId, status: 'sent' }, { offerId: 1, sentAt: 1 }).lean();
      return open.map((r) => ({ offerId: r.offerId, partnerId, customerId, sentAt: r.sentAt }));
    },
  };
}

export type OfferActivities = ReturnType<typeof createOfferActivities>;
