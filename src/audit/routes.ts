import { z } from 'zod';
import { defineRoute } from '../api/route';
import { decodeCursor, encodeCursor } from '../api/cursor';
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
        const scope = { partner: principal.partner._id, action: query.action };
        const before = decodeCursor<string>(query.cursor, scope, 'string');
        const filter: Record<string, unknown> = { partnerId: principal.partner._id };
        if (query.action) filter.action = query.action;
        if (before) filter._id = { $lt: before };
        const docs = await deps.models.AuditEvent.find(filter).sort({ _id: -1 }).limit(query.limit + 1).lean<AuditEventDoc[]>();
        const items = docs.slice(0, query.limit).map((e) => ({
          id: e._id,
          at: e.at.toISOString(),
          actor: { kind: e.actor.kind, id: e.actor.id },
          action: e.action,
          target: { kind: e.target.kind, id: e.target.id },
          requestId: e.requestId ?? undefined,
          details: JSON.parse(e.details ?? '{}') as Record<string, unknown>,
        }));
        return { status: 200, body: { items, nextCursor: docs.length > query.limit ? encodeCursor(items[items.length - 1]!.id, scope) : undefined } };
      },
    }),
  ];
}
