import { CustomerId, LifecycleStage, OfferId, PartnerId } from '../search-attributes';
import { Stage } from '../stages';
import type { StartOptions } from '../start-options';
import type { OfferInput, OfferStatus } from './types';

/** One workflow per purchase offer and customer. */
export const offerWorkflowId = (offerId: string, customerId: string): string => `offer:${offerId}:${customerId}`;

export const offerStage: Record<OfferStatus, Stage> = {
  sent: Stage.OfferSent,
  accepted: Stage.OfferAccepted,
  declined: Stage.OfferDeclined,
  superseded: Stage.OfferSuperseded,
  revoked: Stage.OfferRevoked,
  expired: Stage.OfferExpired,
};

/** One customer's offer, started by the API when the partner sends it. */
export function offerStart(input: OfferInput): StartOptions<[OfferInput]> {
  return {
    workflowId: offerWorkflowId(input.offerId, input.customerId),
    args: [input],
    typedSearchAttributes: [
      { key: PartnerId, value: input.partnerId },
      { key: CustomerId, value: input.customerId },
      { key: OfferId, value: input.offerId },
      { key: LifecycleStage, value: offerStage.sent },
    ],
  };
}
