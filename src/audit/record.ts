import { newTimeOrderedId } from '../ids';
import { insertOnce } from '../db/duplicate-key';
import type { Models } from '../db/models';
import type { AuditActor, AuditTarget } from './model';

export interface AuditEntry {
  partnerId?: string;
  customerId?: string;
  actor: AuditActor;
  action: string;
  target: AuditTarget;
  requestId?: string;
  details?: Record<string, unknown>;
}

/**
 * Records one change in the audit log. The API hands each service one bound to
 * the request (actor, partner and request id filled in unless the entry names them).
 */
export type Audit = (entry: Omit<AuditEntry, 'actor' | 'requestId' | 'partnerId'> & { partnerId?: string; actor?: AuditActor }) => Promise<void>;

/** Appends one change to the audit log; under an `id` derived from its request, once however often the request is retried. */
export async function recordAudit(models: Models, entry: AuditEntry, at = new Date(), id?: string): Promise<void> {
  await insertOnce(models.AuditEvent, {
    _id: id ?? newTimeOrderedId('aud', at),
    at,
    partnerId: entry.partnerId,
    customerId: entry.customerId,
    actor: entry.actor,
    action: entry.action,
    target: entry.target,
    requestId: entry.requestId,
    details: JSON.stringify(entry.details ?? {}),
  });
}
