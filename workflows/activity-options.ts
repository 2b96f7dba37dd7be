import type { ActivityOptions } from '@temporalio/workflow';

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
