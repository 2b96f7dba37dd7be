import { z } from 'zod';
import { defineRoute } from '../api/route';
import { cursor, page, pageLimit } from '../api/schemas';
import type { Services } from '../services';
import { auditEventOut, presentAuditEvent } from './present';

export function auditRoutes({ audit }: Services) {
  return [
    defineRoute({
      method: 'get',
      path: '/v1/audit-events',
      operationId: 'listAuditEvents',
      summary: "The partner's audit log, newest first (global admins)",
      tag: 'Audit',
      auth: 'partner',
      permission: 'audit:read',
      query: z.strictObject({
        limit: pageLimit,
        cursor,
        action: z
          .string()
          .regex(/^[a-z-]+\.[a-z-]+$/, 'must be an action such as user.created')
          .optional(),
      }),
      responses: { 200: { description: 'A page of events', schema: page(auditEventOut) } },
      problems: ['invalid-cursor'],
      async handler({ principal, query }) {
        const found = await audit.list(principal.partner._id, { action: query.action }, query);
        return { status: 200, body: { items: found.items.map(presentAuditEvent), nextCursor: found.nextCursor } };
      },
    }),
  ];
}
