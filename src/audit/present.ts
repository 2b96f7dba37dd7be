import { z } from 'zod';
import type { AuditEventDoc } from './model';

export const auditEventOut = z.object({
  id: z.string(),
  at: z.string(),
  actor: z.object({ kind: z.string(), id: z.string() }),
  action: z.string(),
  target: z.object({ kind: z.string(), id: z.string() }),
  requestId: z.string().optional(),
  details: z.record(z.string(), z.unknown()),
});

export function presentAuditEvent(e: AuditEventDoc): z.infer<typeof auditEventOut> {
  return {
    id: e._id,
    at: e.at.toISOString(),
    actor: { kind: e.actor.kind, id: e.actor.id },
    action: e.action,
    target: { kind: e.target.kind, id: e.target.id },
    requestId: e.requestId,
    details: JSON.parse(e.details ?? '{}') as Record<string, unknown>,
  };
}
