import { Client, ScheduleAlreadyRunning, ScheduleOverlapPolicy, type ConnectionLike } from '@temporalio/client';
import { cleanupWorkflow } from '../../workflows';
import { CLEANUP_SCHEDULE_ID } from '../../workflows/maintenance/start';

/** Creates the schedules offerflow relies on, if they do not exist yet (every worker start may call it). */
export async function ensureSchedules(connection: ConnectionLike, namespace: string, taskQueue: string): Promise<void> {
  const client = new Client({ connection, namespace });
  try {
    await client.schedule.create({
      scheduleId: CLEANUP_SCHEDULE_ID,
      spec: { intervals: [{ every: '1 hour' }] },
      policies: { overlap: ScheduleOverlapPolicy.SKIP },
      action: { type: 'startWorkflow', workflowType: cleanupWorkflow, taskQueue, workflowId: 'maintenance:cleanup-run', args: [] },
    });
  } catch (err) {
    if (!(err instanceof ScheduleAlreadyRunning)) throw err;
  }
}
