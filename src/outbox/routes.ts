import { z } from 'zod';
import type { ApiDeps } from '../api/deps';
import { pageById } from '../api/pagination';
import { defineRoute } from '../api/route';
import { cursor, page, pageLimit } from '../api/schemas';
import type { OutboxMessageDoc } from './model';

const outboxOut = z.object({
  id: z.string(),
  kind: z.string(),
  to: z.string(),
  subject: z.string(),
  text: z.string(),
  customerId: z.string().optional(),
  createdAt: z.string(),
  status: z.enum(['recorded', 'sent']),
  sentAt: z.string().optional(),
});

export function outboxRoutes(deps: ApiDeps) {
  return [
    defineRoute({
      method: 'get',
      path: '/v1/outbox',
      operationId: 'listOutbox',
      summary: 'E-mails offerflow sent (or, without SMTP, recorded) for the partner, newest first',
      tag: 'Outbox',
      auth: 'partner',
      permission: 'outbox:read',
      query: z.strictObject({ limit: pageLimit, cursor, customerId: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/).optional() }),
      responses: { 200: { description: 'A page of messages', schema: page(outboxOut) } },
      async handler({ principal, query }) {
        const filter = { partnerId: principal.partner._id, ...(query.customerId ? { customerId: query.customerId } : {}) };
        const { items, nextCursor } = await pageById<OutboxMessageDoc>(deps.models.OutboxMessage, filter, { ...query, scope: filter, order: 'newest-first' });
        return {
          status: 200,
          body: {
            items: items.map((m) => ({ id: m._id, kind: m.kind, to: m.to, subject: m.subject, text: m.text, customerId: m.customerId ?? undefined, createdAt: m.createdAt.toISOString(), status: m.status, sentAt: m.sentAt?.toISOString() })),
            nextCursor,
          },
        };
      },
    }),
  ];
}
