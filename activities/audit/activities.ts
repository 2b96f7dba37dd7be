import { createHash } from 'node:crypto';
import type { Models } from '../../src/db/models';
import type { AuditActor, AuditTarget } from '../../src/audit/model';
import { insertRecordOnce } from '../records';

/** A change as the workflow that made it records it: its deterministic key, and when (workflow time). */
export interface WorkflowAuditEntry {
  /** The workflow and the update (or step) that made the change, and the action: the same on every retry. */
  key: string;
  at: string;
  partnerId: string;
  customerId?: string;
  actor: AuditActor;
  action: string;
  target: AuditTarget;
  requestId?: string;
  details?: Record<string, unknown>;
}

/** The entry's id: time-ordered like every audit id, the rest derived from its key, so a retried activity finds it there. */
export const auditIdOf = (key: string, at: Date): string =>
  `aud_${at.getTime().toString(36).padStart(9, '0')}_${createHash('sha256').update(key, 'utf8').digest('base64url').slice(0, 11)}`;

/** Appends a change to the audit log, once whatever the retries. */
export async function writeAuditEntry(models: Models, e: WorkflowAuditEntry): Promise<void> {
  const at = new Date(e.at);
  await insertRecordOnce(models.AuditEvent, {
    _id: auditIdOf(e.key, at),
    at,
    partnerId: e.partnerId,
    customerId: e.customerId,
    actor: e.actor,
    action: e.action,
    target: e.target,
    requestId: e.requestId,
    details: JSON.stringify(e.details ?? {}),
  });
}

export function createAuditActivities({ models }: { models: Models }) {
  return {
    recordAuditEvent: (e: WorkflowAuditEntry): Promise<void> => writeAuditEntry(models, e),
  };
}

export type AuditActivities = ReturnType<typeof createAuditActivities>;
