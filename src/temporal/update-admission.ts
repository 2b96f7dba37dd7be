import type { WorkflowClientInterceptor } from '@temporalio/client';

/**
 * Temporal takes only so many updates in flight on one workflow (`history.maxInFlightUpdates`,
 * 10 by default) and turns the rest away as busy; the client then backs off a second or more
 * before it asks again, while the workflow may well have room already. So this process sends
 * at most `limit` updates to one workflow at once and queues the others, in order, to go the
 * moment one is answered: 50 customers accepting one invitation together take their turns
 * instead of waiting out back-offs. (Other processes' updates still meet the server's limit,
 * which callers retry.)
 */
export const DEFAULT_UPDATES_IN_FLIGHT_PER_WORKFLOW = 8;

export function updateAdmission(limit = DEFAULT_UPDATES_IN_FLIGHT_PER_WORKFLOW): WorkflowClientInterceptor {
  const lanes = new Map<string, { sending: number; waiting: Array<() => void> }>();
  const enter = async (workflowId: string): Promise<void> => {
    const lane = lanes.get(workflowId) ?? { sending: 0, waiting: [] };
    lanes.set(workflowId, lane);
    if (lane.sending < limit) {
      lane.sending++;
      return;
    }
    await new Promise<void>((turn) => lane.waiting.push(turn)); // the slot is handed over by `leave`
  };
  const leave = (workflowId: string): void => {
    const lane = lanes.get(workflowId)!;
    const next = lane.waiting.shift();
    if (next) return next();
    lane.sending--;
    if (lane.sending === 0) lanes.delete(workflowId);
  };
  return {
    async startUpdate(input, next) {
      const { workflowId } = input.workflowExecution;
      await enter(workflowId);
      try {
        return await next(input);
      } finally {
        leave(workflowId);
      }
    },
  };
}
