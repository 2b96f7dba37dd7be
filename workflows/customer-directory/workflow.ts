import { allHandlersFinished, condition, continueAsNew, patched, proxyActivities, setHandler, workflowInfo } from '@temporalio/workflow';
import type { CustomerDirectoryActivities } from '../../activities/customer-directory/activities';
import { persistenceActivityOptions } from '../activity-options';
import { customerChangedSignal, customersChangedSignal } from './messages';
import type { DirectoryEntry, DirectoryOptions } from './types';

const { applyToDirectory } = proxyActivities<CustomerDirectoryActivities>(persistenceActivityOptions);

/** Changes written at most in one batch (a batch of new customers reads and writes a page per term). */
const BATCH = 200;
/**
 * Renewed well before the server suggests it (thousands of events): every change
 * is a signal in its history, and a worker that evicted this workflow from its
 * cache replays the whole history (each customer's entry) to take it back.
 */
const DEFAULT_MAX_HISTORY_EVENTS = 1000;

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
  const maxHistoryEvents = options.maxHistoryEvents ?? DEFAULT_MAX_HISTORY_EVENTS;
  setHandler(customerChangedSignal, (entry) => {
    pending.push(entry);
  });
  setHandler(customersChangedSignal, (entries) => {
    pending.push(...entries);
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
    const renew = workflowInfo().continueAsNewSuggested || (workflowInfo().historyLength > maxHistoryEvents && patched('directory-short-history'));
    // What is still pending is carried into the next run as its input, which the server caps
    // (2 MB): a backlog is written down to one batch first.
    if (renew && pending.length > BATCH && patched('directory-short-history')) continue;
    if (renew) {
      await condition(allHandlersFinished);
      await continueAsNew<typeof customerDirectoryWorkflow>(partnerId, pending, options);
    }
  }
}
