import { allHandlersFinished, condition, continueAsNew, patched, proxyActivities, proxyLocalActivities, setHandler, workflowInfo } from '@temporalio/workflow';
import type { CustomerDirectoryActivities } from '../../activities/customer-directory/activities';
import { localPersistenceActivityOptions, longPersistenceActivityOptions, slowerPersistenceActivityOptions } from '../activity-options';
import { workflowNow } from '../clock';
import { customerChangedSignal, customersChangedSignal, directoryWriterStateQuery } from './messages';
import { gatheringMs } from './pacing';
import { isFacts, type DirectoryChange, type DirectoryEntry, type DirectoryFacts, type DirectoryOptions } from './types';

const { applyToDirectory } = proxyActivities<CustomerDirectoryActivities>(slowerPersistenceActivityOptions);
const { upgradeDirectory } = proxyActivities<CustomerDirectoryActivities>(longPersistenceActivityOptions);
/**
 * The writer's batches run as local activities, in the worker that runs its workflow
 * task. As ordinary activities, a batch could stay Scheduled for as long as onboardings
 * poured in (18 minutes in the 10,000-flow benchmark). To hand an activity task to
 * matching, the server's background task must lock the workflow at low priority, and the
 * steady stream of signals and workflow tasks, served first, kept that lock
 * (`cache_errors` of the history service rose by thousands).
 */
const { applyToDirectory: applyToDirectoryLocally } = proxyLocalActivities<CustomerDirectoryActivities>(localPersistenceActivityOptions);

/** Changes written at most in one batch (a batch of new customers reads and writes a page per term). */
const BATCH = 200;
/**
 * Renewed well before the server suggests it (thousands of events): every change
 * is a signal in its history, and a worker that evicted this workflow from its
 * cache replays the whole history (each customer's entry) to take it back.
 */
const DEFAULT_MAX_HISTORY_EVENTS = 1000;
/** Changes carried into the next run at most: about 300 KB of input. */
const DEFAULT_MAX_CARRIED = 1000;

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
export async function customerDirectoryWorkflow(partnerId: string, carried: DirectoryChange[] = [], options: DirectoryOptions = {}): Promise<void> {
  const pending: DirectoryChange[] = [...carried];
  const refreshMs = options.refreshMs ?? 0;
  const maxHistoryEvents = options.maxHistoryEvents ?? DEFAULT_MAX_HISTORY_EVENTS;
  const maxCarried = options.maxCarried ?? DEFAULT_MAX_CARRIED;
  let lastWriteMs = 0; // how long the last batch took to write (from the activity's result: deterministic)
  let batchesWritten = 0;
  let customersWritten = 0;
  setHandler(directoryWriterStateQuery, () => ({ partnerId, pending: pending.length, batchesWritten, customersWritten, lastWriteMs }));
  setHandler(customerChangedSignal, (entry) => {
    pending.push(entry);
  });
  setHandler(customersChangedSignal, (entries) => {
    pending.push(...entries);
  });
  for (;;) {
    await condition(() => pending.length > 0 || workflowInfo().continueAsNewSuggested);
    if (pending.length > 0 && refreshMs > 0 && patched('directory-refresh-interval')) {
      // Workflow time moves on with every signal: under a steady stream of them the batch
      // goes when it is due, even if the server is late to fire the timer (it too needs the lock).
      const dueByClock = patched('directory-local-writes');
      const waitMs = dueByClock && patched('directory-paced-refresh') ? gatheringMs(refreshMs, lastWriteMs) : refreshMs;
      const due = workflowNow().getTime() + waitMs;
      await condition(() => pending.length >= BATCH || workflowInfo().continueAsNewSuggested || (dueByClock && workflowNow().getTime() >= due), waitMs);
    }
    if (pending.length > 0) {
      const batch = pending.splice(0, BATCH);
      // The last entry of each customer wins; signals arrive in order. Facts all go: the
      // directory keeps the newest of each. (A batch without facts is written exactly as
      // before facts existed, so the histories of then replay.)
      const latest = new Map<string, DirectoryEntry>();
      const facts: DirectoryFacts[] = [];
      for (const change of batch) {
        if (isFacts(change)) facts.push(change);
        else latest.set(change.customerId, change);
      }
      const entries = [...latest.values()];
      const write = (apply: typeof applyToDirectory) => (facts.length > 0 ? apply(partnerId, entries, facts) : apply(partnerId, entries));
      if (patched('directory-local-writes')) {
        const written = await write(applyToDirectoryLocally);
        lastWriteMs = written?.ms ?? 0;
        // A directory of an older layout (its batches say so) is brought up to the current one,
        // a long activity; the changes that come meanwhile wait as signals.
        if (written?.outdated && patched('directory-upgrade')) await upgradeDirectory(partnerId);
      } else await write(applyToDirectory);
      batchesWritten++;
      customersWritten += latest.size + new Set(facts.map((f) => f.customerId)).size;
    }
    const renew = workflowInfo().continueAsNewSuggested || (workflowInfo().historyLength > maxHistoryEvents && patched('directory-short-history'));
    // What is still pending is carried into the next run as its input, which the server caps
    // (2 MB): a larger backlog is written down first. (Down to one batch at first: under a
    // steady inflow the backlog seldom got that small, and the history grew past 2,500 events.)
    const carryLimit = patched('directory-carry-limit') ? maxCarried : BATCH;
    if (renew && pending.length > carryLimit && patched('directory-short-history')) continue;
    if (renew) {
      await condition(allHandlersFinished);
      await continueAsNew<typeof customerDirectoryWorkflow>(partnerId, pending, options);
    }
  }
}
