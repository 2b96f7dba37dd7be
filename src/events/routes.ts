import { defineRoute } from '../api/route';
import { page } from '../api/schemas';
import type { Services } from '../services';
import { eventOut, presentEvent } from './present';
import { eventParams, listEventsQuery } from './schemas';

/** The partner's lifecycle events: what its webhooks deliver, to catch up on or to find one to replay. */
export function eventRoutes({ events }: Services) {
  return [
    defineRoute({
      method: 'get',
      path: '/v1/events',
      operationId: 'listEvents',
      summary: "The partner's lifecycle events, newest first (each as its webhook deliveries carry it)",
      tag: 'Webhooks',
      auth: 'partner',
      permission: 'events:read',
      query: listEventsQuery,
      responses: { 200: { description: 'A page of events', schema: page(eventOut) } },
      problems: ['invalid-cursor'],
      async handler({ principal, query }) {
        const { type, ...pageRequest } = query;
        const found = await events.list(principal.partner._id, { type }, pageRequest);
        return { status: 200, body: { items: found.items.map(presentEvent), nextCursor: found.nextCursor } };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/v1/events/{eventId}',
      operationId: 'getEvent',
      summary: 'One lifecycle event, by the id its deliveries carry',
      tag: 'Webhooks',
      auth: 'partner',
      permission: 'events:read',
      params: eventParams,
      responses: { 200: { description: 'The event', schema: eventOut } },
      async handler({ principal, params }) {
        return { status: 200, body: presentEvent(await events.get(principal.partner._id, params.eventId)) };
      },
    }),
  ];
}
