import { currentUpdateInfo, patched, proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { AuditActivities, WorkflowAuditEntry } from '../activities/audit/activities';
import { persistenceActivityOptions } from './activity-options';
import { isoNow } from './clock';

const { recordAuditEvent } = proxyActivities<AuditActivities>(persistenceActivityOptions);

/** Who asked for a change, as the API passes it with the request (update or start) that makes it. */
export interface RequestedBy {
  actor: WorkflowAuditEntry['actor'];
  requestId?: string;
}

/**
 * Records a change in the partner's audit log from the workflow that made it, right
 * after making it: the entry exists exactly once whether or not anyone saw the answer.
 * Its key is this workflow and the update that made the change (or `step`, outside an
 * update), so a retried activity or a replayed history finds it there. Flows from
 * before this wrote no entry here (the API wrote it, after the change).
 */
export async function auditChange(entry: Omit<WorkflowAuditEntry, 'key' | 'at'>, step = 'main'): Promise<void> {
  if (!patched('audit-written-by-workflow')) return;
  await recordAuditEvent(auditEntry(entry, step));
}

/** The entry as `auditChange` writes it, for an activity that writes it together with its own record (no activity of its own). */
export const auditEntry = (entry: Omit<WorkflowAuditEntry, 'key' | 'at'>, step = 'main'): WorkflowAuditEntry => ({
  ...entry,
  key: `${workflowInfo().workflowId}|${currentUpdateInfo()?.id ?? step}|${entry.action}`,
  at: isoNow(),
});
