import { currentUpdateInfo, patched, proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { EventActivities } from '../../activities/events/activities';
import { persistenceActivityOptions } from '../activity-options';
import { isoNow } from '../clock';
import type { LifecycleEvent } from './types';

const { publishEvent } = proxyActivities<EventActivities>(persistenceActivityOptions);

/**
 * Publishes a lifecycle event from the workflow that made the change, right after making it:
 * the event is recorded (and its webhook deliveries started) exactly once, whether or not anyone
 * saw the answer. Its key is this workflow and the update that made the change (or `step`,
 * outside an update, which must then name the change: 'renewal:3'). Flows from before events
 * publish none.
 */
export async function publish(event: LifecycleEvent, step = 'main'): Promise<void> {
  if (!patched('lifecycle-events')) return;
  await publishEvent({ ...event, key: `${workflowInfo().workflowId}|${currentUpdateInfo()?.id ?? step}|${event.type}`, at: isoNow() });
}
