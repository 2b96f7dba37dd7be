import type { ActivityOptions, LocalActivityOptions } from '@temporalio/workflow';

/**
 * Retry policy for activities that write to MongoDB: they are idempotent, so a
 * database outage is simply waited out (backing off up to a minute between tries).
 */
export const persistenceActivityOptions: ActivityOptions = {
  startToCloseTimeout: '30 seconds',
  retry: {
    initialInterval: '500 milliseconds',
    backoffCoefficient: 2,
    maximumInterval: '1 minute',
  },
};

/**
 * For a write done as a local activity (in the worker that runs the workflow task, with
 * no activity task for the server to dispatch): the same retries, the short ones in the
 * worker, longer backoffs as timers.
 */
export const localPersistenceActivityOptions: LocalActivityOptions = {
  startToCloseTimeout: persistenceActivityOptions.startToCloseTimeout,
  retry: persistenceActivityOptions.retry,
};
