import { patched, proxyActivities } from '@temporalio/workflow';
import type { MaintenanceActivities } from '../../activities/maintenance/activities';
import { persistenceActivityOptions } from '../activity-options';
import { isoNow } from '../clock';

const { deleteExpiredIdempotencyKeys, deleteUnsentOffers } = proxyActivities<MaintenanceActivities>(persistenceActivityOptions);

/** Deletes records past their lifetime, and what a failed request left that nothing owns; run by a Temporal schedule instead of TTL indexes. */
export async function cleanupWorkflow(): Promise<{ idempotencyKeys: number; unsentOffers?: number }> {
  const idempotencyKeys = await deleteExpiredIdempotencyKeys(isoNow());
  if (!patched('remove-unsent-offers')) return { idempotencyKeys };
  return { idempotencyKeys, unsentOffers: await deleteUnsentOffers(isoNow()) };
}
