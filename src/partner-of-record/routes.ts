import { defineRoute } from '../api/route';
import { id } from '../api/schemas';
import type { Services } from '../services';
import { presentSubscription, subscriptionOut } from '../subscriptions/present';
import { partnerOfRecordRequestOut, presentPartnerOfRecordRequest } from './present';
import { partnerOfRecordRequestParams, partnerOfRecordRequestsQuery } from './schemas';
import { z } from 'zod';

/** A partner's side of the partner of record: the changes customers ask of it, its answers, and the subscriptions it is partner of record of. */
export function partnerOfRecordRoutes({ partnerOfRecord }: Services) {
  const answer = (accept: boolean) =>
    defineRoute({
      method: 'post',
      path: `/v1/partner-of-record-requests/{requestId}/${accept ? 'acceptance' : 'declination'}`,
      operationId: accept ? 'acceptPartnerOfRecordRequest' : 'declinePartnerOfRecordRequest',
      summary: accept
        ? 'Accept to become the partner of record of a customer’s subscription'
        : 'Decline to become the partner of record of a customer’s subscription (nothing changes)',
      description: accept
        ? 'The partner becomes the partner of record at once: it hears of every change of the subscription from then on (e-mail and `subscription.*` events), and the partner before it is told it no longer does.'
        : 'The subscription keeps its partner of record.',
      tag: 'Partner of record',
      auth: 'partner',
      permission: 'partner-of-record:answer',
      params: partnerOfRecordRequestParams,
      responses: { 200: { description: 'The request, answered', schema: partnerOfRecordRequestOut } },
      problems: accept
        ? ['partner-of-record-request-not-pending', 'subscription-not-active', 'change-in-progress']
        : ['partner-of-record-request-not-pending', 'change-in-progress'],
      async handler({ principal, params, request }) {
        return { status: 200, body: presentPartnerOfRecordRequest(await partnerOfRecord.answer(principal, params.requestId, accept, request)) };
      },
    });
  return [
    defineRoute({
      method: 'get',
      path: '/v1/partner-of-record-requests',
      operationId: 'listPartnerOfRecordRequests',
      summary: 'Changes of partner of record customers asked of the partner, newest first (at most 100)',
      tag: 'Partner of record',
      auth: 'partner',
      permission: 'partner-of-record:read',
      query: partnerOfRecordRequestsQuery,
      responses: { 200: { description: 'The requests', schema: partnerOfRecordRequestOut.array() } },
      async handler({ principal, query }) {
        return { status: 200, body: (await partnerOfRecord.list(principal.partner._id, query.status)).map(presentPartnerOfRecordRequest) };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/v1/partner-of-record-requests/{requestId}',
      operationId: 'getPartnerOfRecordRequest',
      summary: 'One change of partner of record a customer asked of the partner',
      tag: 'Partner of record',
      auth: 'partner',
      permission: 'partner-of-record:read',
      params: partnerOfRecordRequestParams,
      responses: { 200: { description: 'The request', schema: partnerOfRecordRequestOut } },
      async handler({ principal, params }) {
        return { status: 200, body: presentPartnerOfRecordRequest(await partnerOfRecord.get(principal.partner._id, params.requestId)) };
      },
    }),
    answer(true),
    answer(false),
    defineRoute({
      method: 'get',
      path: '/v1/subscriptions/{subscriptionId}',
      operationId: 'getSubscriptionAsPartner',
      summary: 'A subscription the partner sold or is the partner of record of',
      tag: 'Partner of record',
      auth: 'partner',
      permission: 'customers:read',
      params: z.strictObject({ subscriptionId: id('a subscription id') }),
      responses: { 200: { description: 'The subscription', schema: subscriptionOut } },
      async handler({ principal, params }) {
        return { status: 200, body: presentSubscription(await partnerOfRecord.subscriptionOf(principal.partner._id, params.subscriptionId)) };
      },
    }),
  ];
}
