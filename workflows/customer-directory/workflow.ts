import { allHandlersFinished, condition, continueAsNew, patched, proxyActivities, setHandler, workflowInfo } from '@temporalio/workflow';
import type { CustomerDirectoryActivities } from '../../activities/customer-directory/activities';
import { persistenceActivityOptions } from '../activity-options';
import { customerChangedSignal } from './messages';
import type { DirectoryEntry, DirectoryOptions } from './types';

const { applyToDirectory } = proxyActivities<CustomerDirectoryActivities>(persistenceActivityOptions);

const BATCH = 500;

/**
 * The one writer of a partner's customer directory (the index behind customer
 * list and search must not be written by two at once). Onboardings signal each
 * change; this applies them in order, in batches, and lives forever, renewing
 * itself before its history grows large.
 *
 * With a refresh interval, changes are gathered for that long before they are
 * written (like a search engine's refresh): customers arriving together share
 * most index pages, so one batch writes each page once instead of once each.
 */
export async function customerDirectoryWorkflow(partnerId: string, carried: DirectoryEntry[] = [], options: DirectoryOptions = {}): Promise<void> {
  const pending: DirectoryEntry[] = [...carried];
  const refreshMs = options.refreshMs ?? 0;
  setHandler(customerChangedSignal, (entry) => {
    pending.push(entry);
  });
  for (;;) {
    await condition(() => pending.length > 0 || workflowInfo().continueAsNewSuggested);
    if (pending.length > 0 && refreshMs > 0 && patched('directory-refresh-interval')) {
      await condition(() => pending.length >= BATCH || workflowInfo().continueAsNewSuggested, refreshMs);
    }
    if (pending.length > 0) {
      const batch = pending.splice(0, BATCH);
      // The last change of each customer wins; signals arrive in order.
      const latest = new Map(batch.map((e) => [e.customerId, e]));
      await applyToDirectory(partnerId, [...latest.values()]);
    }
    if (workflowInfo().continueAsNewSuggested) {
      await condition(allHandlersFinished);
      await continueAsNew<typeof customerDirectoryWorkflow>(partnerId, pending, options);
    }
  }
}
