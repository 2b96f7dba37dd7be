import { defineRoute } from '../api/route';
import { page } from '../api/schemas';
import type { Services } from '../services';
import { createOfferSchema, listOffersQuery, offerOut, offerParams } from './schemas';

export function offerRoutes({ offers }: Services) {
  return [
    defineRoute({
      method: 'post',
      path: '/v1/offers',
      operationId: 'createOffer',
      summary: 'Send a purchase offer to customers of the partner',
      description:
        'Each customer gets the offer by e-mail with its link, and may change the license counts (within the catalog’s bounds) when accepting. ' +
        'A newer offer to the same customer supersedes an older open one. Accepting converts the trial of the same service (same subscription) or creates subscriptions.',
      tag: 'Offers',
      auth: 'partner',
      permission: 'offers:send',
      body: createOfferSchema,
      creates: true,
      responses: { 201: { description: 'Sent', schema: offerOut } },
      problems: ['not-found', 'sku-not-available', 'license-count-out-of-bounds', 'customer-not-onboarding', 'change-in-progress'],
      async handler({ principal, body, request }) {
        const offer = await offers.create(principal, body, request);
        return { status: 201, headers: { Location: `/v1/offers/${offer.id}` }, body: offer };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/v1/offers',
      operationId: 'listOffers',
      summary: "The partner's purchase offers, newest first",
      tag: 'Offers',
      auth: 'partner',
      permission: 'offers:read',
      query: listOffersQuery,
      responses: { 200: { description: 'A page of offers', schema: page(offerOut) } },
      async handler({ principal, query }) {
        return { status: 200, body: await offers.list(principal.partner._id, query) };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/v1/offers/{offerId}',
      operationId: 'getOffer',
      summary: 'One offer, with where each customer stands with it',
      tag: 'Offers',
      auth: 'partner',
      permission: 'offers:read',
      params: offerParams,
      responses: { 200: { description: 'The offer', schema: offerOut } },
      async handler({ principal, params }) {
        return { status: 200, body: await offers.get(principal.partner._id, params.offerId) };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/v1/offers/{offerId}/revoke',
      operationId: 'revokeOffer',
      summary: 'Revoke an offer for every customer who has not accepted it',
      tag: 'Offers',
      auth: 'partner',
      permission: 'offers:send',
      params: offerParams,
      responses: { 200: { description: 'The offer, revoked', schema: offerOut } },
      problems: ['change-in-progress'],
      async handler({ principal, params, request }) {
        return { status: 200, body: await offers.revoke(principal, params.offerId, request) };
      },
    }),
  ];
}
