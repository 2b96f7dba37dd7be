import { proxyActivities } from '@temporalio/workflow';
import type { MaintenanceActivities } from '../../activities/maintenance/activities';
import { persistenceActivityOptions } from '../activity-options';
import { isoNow } from '../clock';

const { deleteExpiredIdempotencyKeys } = proxyActivities<MaintenanceActivities>(persistenceActivityOptions);

/** Deletes records past their lifetime; run by a Temporal schedule instead of TTL indexes. */
export async function cleanupWorkflow(): Promise<{ idempotencyKeys: number }> {
  return { idempotencyKeys: await deleteExpiredIdempotencyKeys(isoNow()) };
}
