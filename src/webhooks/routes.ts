import { defineRoute } from '../api/route';
import { page } from '../api/schemas';
import type { Services } from '../services';
import { presentDelivery, presentEndpoint } from './present';
import {
  createdEndpointOut,
  createEndpointSchema,
  deliveryOut,
  endpointOut,
  endpointParams,
  listDeliveriesQuery,
  listEndpointsQuery,
  replaySchema,
  updateEndpointSchema,
} from './schemas';

const SIGNING =
  'Each delivery is a POST of the event (JSON, as GET /v1/events/{eventId} shows it) signed as Standard Webhooks specifies: `webhook-id` (the event id, the same on every retry and replay: dedupe by it), ' +
  '`webhook-timestamp` (seconds) and `webhook-signature` (`v1,` and the base64 HMAC-SHA256 of `<id>.<timestamp>.<body>` under the secret). A delivery is retried with exponential backoff for up to 3 days until the receiver answers 2xx.';

/** Webhook endpoints (global admins only): where the partner's lifecycle events are delivered, their log and replays. */
export function webhookRoutes({ webhooks }: Services) {
  return [
    defineRoute({
      method: 'post',
      path: '/v1/webhook-endpoints',
      operationId: 'createWebhookEndpoint',
      summary: 'Register a webhook endpoint: its URL and the event types it receives; its signing secret is in the answer, this once',
      description: `${SIGNING} Events recorded before the endpoint existed are not sent to it (replay them by id).`,
      tag: 'Webhooks',
      auth: 'partner',
      permission: 'webhooks:manage',
      body: createEndpointSchema,
      showsSecret: true,
      responses: { 201: { description: 'The endpoint, with its secret (shown this once)', schema: createdEndpointOut } },
      problems: ['webhook-url-not-allowed'],
      async handler({ principal, body, request }) {
        const { endpoint, secret } = await webhooks.create(principal, body, request);
        return { status: 201, headers: { Location: `/v1/webhook-endpoints/${endpoint._id}` }, body: { ...presentEndpoint(endpoint), secret } };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/v1/webhook-endpoints',
      operationId: 'listWebhookEndpoints',
      summary: "The partner's webhook endpoints",
      tag: 'Webhooks',
      auth: 'partner',
      permission: 'webhooks:manage',
      query: listEndpointsQuery,
      responses: { 200: { description: 'A page of endpoints', schema: page(endpointOut) } },
      problems: ['invalid-cursor'],
      async handler({ principal, query }) {
        const found = await webhooks.list(principal.partner._id, query);
        return { status: 200, body: { items: found.items.map(presentEndpoint), nextCursor: found.nextCursor } };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/v1/webhook-endpoints/{endpointId}',
      operationId: 'getWebhookEndpoint',
      summary: 'A webhook endpoint (enabled, or disabled and why)',
      tag: 'Webhooks',
      auth: 'partner',
      permission: 'webhooks:manage',
      params: endpointParams,
      responses: { 200: { description: 'The endpoint', schema: endpointOut } },
      async handler({ principal, params }) {
        return { status: 200, body: presentEndpoint(await webhooks.get(principal.partner._id, params.endpointId)) };
      },
    }),
    defineRoute({
      method: 'patch',
      path: '/v1/webhook-endpoints/{endpointId}',
      operationId: 'updateWebhookEndpoint',
      summary: "Change a webhook endpoint's URL, event types or description, or disable or enable it",
      description: 'Enabling an endpoint that a run of failed deliveries disabled sends it the events from then on; replay the ones it missed by id.',
      tag: 'Webhooks',
      auth: 'partner',
      permission: 'webhooks:manage',
      params: endpointParams,
      body: updateEndpointSchema,
      responses: { 200: { description: 'The endpoint after the change', schema: endpointOut } },
      problems: ['webhook-url-not-allowed'],
      async handler({ principal, params, body, request }) {
        return { status: 200, body: presentEndpoint(await webhooks.update(principal.partner._id, params.endpointId, body, request)) };
      },
    }),
    defineRoute({
      method: 'delete',
      path: '/v1/webhook-endpoints/{endpointId}',
      operationId: 'deleteWebhookEndpoint',
      summary: 'Delete a webhook endpoint (deliveries under way stop)',
      tag: 'Webhooks',
      auth: 'partner',
      permission: 'webhooks:manage',
      params: endpointParams,
      responses: { 204: { description: 'Deleted' } },
      async handler({ principal, params, request }) {
        await webhooks.remove(principal.partner._id, params.endpointId, request);
        return { status: 204 };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/v1/webhook-endpoints/{endpointId}/deliveries',
      operationId: 'listWebhookDeliveries',
      summary: "The endpoint's delivery log, newest event first: each delivery's tries, with the receiver's status and the latency",
      tag: 'Webhooks',
      auth: 'partner',
      permission: 'webhooks:manage',
      params: endpointParams,
      query: listDeliveriesQuery,
      responses: { 200: { description: 'A page of deliveries', schema: page(deliveryOut) } },
      problems: ['invalid-cursor'],
      async handler({ principal, params, query }) {
        const { state, eventId, ...pageRequest } = query;
        const found = await webhooks.deliveries(principal.partner._id, params.endpointId, { state, eventId }, pageRequest);
        return { status: 200, body: { items: found.items.map((d) => presentDelivery(d.delivery, d.attempts)), nextCursor: found.nextCursor } };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/v1/webhook-endpoints/{endpointId}/replays',
      operationId: 'replayWebhookEvent',
      summary: 'Send one event to the endpoint again, by its id (the same id: a receiver that dedupes by it takes it once)',
      description: 'A delivery of its own, retried like any other. With the same Idempotency-Key, a retry meets the same delivery.',
      tag: 'Webhooks',
      auth: 'partner',
      permission: 'webhooks:manage',
      params: endpointParams,
      body: replaySchema,
      responses: { 202: { description: 'The delivery, started', schema: deliveryOut } },
      problems: ['webhook-endpoint-disabled'],
      async handler({ principal, params, body, request }) {
        const { delivery, attempts } = await webhooks.replay(principal.partner._id, params.endpointId, body.eventId, request);
        return { status: 202, body: presentDelivery(delivery, attempts) };
      },
    }),
  ];
}
