import type { ActivityOptions, LocalActivityOptions } from '@temporalio/workflow';

const retry: ActivityOptions['retry'] = {
  initialInterval: '500 milliseconds',
  backoffCoefficient: 2,
  maximumInterval: '1 minute',
};

/**
 * Retry policy for activities that write to MongoDB: they are idempotent, so a
 * database outage is simply waited out (backing off up to a minute between tries).
 * A write takes milliseconds; the time-out is what notices a worker that died
 * holding the activity, so it is short: its work is tried again within seconds.
 */
export const persistenceActivityOptions: ActivityOptions = {
  startToCloseTimeout: '10 seconds',
  retry,
};

/**
 * For work that may take longer than a single write: applying a batch of changes to a
 * partner's directory, sending an e-mail over SMTP.
 */
export const slowerPersistenceActivityOptions: ActivityOptions = {
  startToCloseTimeout: '30 seconds',
  retry,
};

/**
 * For rewriting a whole directory in slices (an upgrade of its layout: minutes at 100,000
 * customers): it heartbeats after each slice, so a worker that dies is noticed within the
 * heartbeat time-out, and the next attempt goes on from the last slice written.
 */
export const longPersistenceActivityOptions: ActivityOptions = {
  startToCloseTimeout: '2 hours',
  heartbeatTimeout: '1 minute',
  retry,
};

/**
 * For a write done as a local activity (in the worker that runs the workflow task, with
 * no activity task for the server to dispatch): the same retries, the short ones in the
 * worker, longer backoffs as timers. A worker that dies takes its workflow task with it,
 * and the task's own time-out brings the work back.
 */
export const localPersistenceActivityOptions: LocalActivityOptions = {
  startToCloseTimeout: '30 seconds',
  retry,
};

/**
 * For an act in a customer under delegated administration: a few writes, or a license
 * change that waits for its subscription's workflow. Retried until done: the relationship
 * does not end while an act it let start is still running.
 */
export const actingActivityOptions: ActivityOptions = {
  startToCloseTimeout: '30 seconds',
  retry,
};
