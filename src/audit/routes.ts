import { z } from 'zod';
import { defineRoute } from '../api/route';
import { pageById } from '../api/pagination';
import type { ApiDeps } from '../api/deps';
import { cursor, page, pageLimit } from '../api/schemas';
import type { AuditEventDoc } from './model';

const auditEventOut = z.object({
  id: z.string(),
  at: z.string(),
  actor: z.object({ kind: z.string(), id: z.string() }),
  action: z.string(),
  target: z.object({ kind: z.string(), id: z.string() }),
  requestId: z.string().optional(),
  details: z.record(z.string(), z.unknown()),
});

export function auditRoutes(deps: ApiDeps) {
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
        action: z.string().regex(/^[a-z-]+\.[a-z-]+$/, 'must be an action such as user.created').optional(),
      }),
      responses: { 200: { description: 'A page of events', schema: page(auditEventOut) } },
      problems: ['invalid-cursor'],
      async handler({ principal, query }) {
        const filter = { partnerId: principal.partner._id, ...(query.action ? { action: query.action } : {}) };
        const page = await pageById<AuditEventDoc>(deps.models.AuditEvent, filter, { ...query, scope: filter, order: 'newest-first' });
        const items = page.items.map((e) => ({
          id: e._id,
          at: e.at.toISOString(),
          actor: { kind: e.actor.kind, id: e.actor.id },
          action: e.action,
          target: { kind: e.target.kind, id: e.target.id },
          requestId: e.requestId ?? undefined,
          details: JSON.parse(e.details ?? '{}') as Record<string, unknown>,
        }));
        return { status: 200, body: { items, nextCursor: page.nextCursor } };
      },
    }),
  ];
}
