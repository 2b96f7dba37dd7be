import { patched, proxyActivities, setHandler } from '@temporalio/workflow';
import type { MaintenanceActivities } from '../../activities/maintenance/activities';
import { persistenceActivityOptions } from '../activity-options';
import { isoNow } from '../clock';
import { cleanupStateQuery, type CleanupState } from './messages';

const { deleteExpiredIdempotencyKeys, deleteUnsentOffers } = proxyActivities<MaintenanceActivities>(persistenceActivityOptions);

/** Deletes records past their lifetime, and what a failed request left that nothing owns; run by a Temporal schedule instead of TTL indexes. */
export async function cleanupWorkflow(): Promise<{ idempotencyKeys: number; unsentOffers?: number }> {
  const state: CleanupState = { step: 'idempotency-keys' };
  setHandler(cleanupStateQuery, () => state);
  const idempotencyKeys = (state.idempotencyKeys = await deleteExpiredIdempotencyKeys(isoNow()));
  if (!patched('remove-unsent-offers')) {
    state.step = 'done';
    return { idempotencyKeys };
  }
  state.step = 'unsent-offers';
  state.unsentOffers = await deleteUnsentOffers(isoNow());
  state.step = 'done';
  return { idempotencyKeys, unsentOffers: state.unsentOffers };
}
