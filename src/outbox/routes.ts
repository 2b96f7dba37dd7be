import { z } from 'zod';
import { defineRoute } from '../api/route';
import { cursor, id, page, pageLimit } from '../api/schemas';
import type { Services } from '../services';
import { outboxOut, presentOutboxMessage } from './present';

export function outboxRoutes({ outbox }: Services) {
  return [
    defineRoute({
      method: 'get',
      path: '/v1/outbox',
      operationId: 'listOutbox',
      summary: 'E-mails offerflow sent (or, without SMTP, recorded) for the partner, newest first',
      tag: 'Outbox',
      auth: 'partner',
      permission: 'outbox:read',
      query: z.strictObject({ limit: pageLimit, cursor, customerId: id('a customer id').optional() }),
      responses: { 200: { description: 'A page of messages', schema: page(outboxOut) } },
      async handler({ principal, query }) {
        const found = await outbox.list(principal.partner._id, { customerId: query.customerId }, query);
        return { status: 200, body: { items: found.items.map(presentOutboxMessage), nextCursor: found.nextCursor } };
      },
    }),
  ];
}
