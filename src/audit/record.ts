import { newTimeOrderedId } from '../ids';
import type { Models } from '../db/models';

export interface AuditEntry {
  partnerId?: string;
  actor: { kind: 'operator' | 'partner-user' | 'customer' | 'system'; id: string };
  action: string;
  target: { kind: string; id: string };
  requestId?: string;
  details?: Record<string, unknown>;
}

/** Appends one change to the audit log. */
export async function recordAudit(models: Models, entry: AuditEntry, at = new Date()): Promise<void> {
  await models.AuditEvent.create({
    _id: newTimeOrderedId('aud', at),
    at,
    partnerId: entry.partnerId,
    actor: entry.actor,
    action: entry.action,
    target: entry.target,
    requestId: entry.requestId,
    details: JSON.stringify(entry.details ?? {}),
  });
}
