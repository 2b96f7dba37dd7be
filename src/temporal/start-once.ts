import { WithStartWorkflowOperation, WorkflowExecutionAlreadyStartedError, type Client, type WorkflowStartOptions } from '@temporalio/client';
import type { UpdateDefinition, Workflow } from '@temporalio/common';
import { callWorkflow } from './failures';

/**
 * Starts the workflow a request makes — or meets the one an earlier attempt of the
 * same request started, for its id comes from the request (`USE_EXISTING`) — and
 * waits, at most `waitMs`, for `recorded` (its update that completes once the
 * workflow has stored itself; or any update the request sends with the start, with `args`). The update's id comes from the request as well, so
 * a retry attaches to the update the first attempt sent. Past the wait it throws
 * `change-in-progress` (the workflow goes on). `ended` when the request's workflow
 * has run and ended since (a closed id is never started again, unless `reuse` allows
 * it: ids that name one run at a time): its stored record says how it stands.
 */
export async function startOnce<W extends Workflow, R, A extends unknown[] = []>(
  temporal: Client,
  workflow: W,
  start: Omit<WorkflowStartOptions<W>, 'workflowIdConflictPolicy' | 'workflowIdReusePolicy'>,
  recorded: UpdateDefinition<R, A>,
  options: { updateId?: string; waitMs: number; reuse?: 'REJECT_DUPLICATE' | 'ALLOW_DUPLICATE'; args?: A },
): Promise<{ ended: false; state: R } | { ended: true }> {
  try {
    const state = await callWorkflow(
      () =>
        temporal.workflow.executeUpdateWithStart(recorded, {
          updateId: options.updateId,
          ...(options.args ? { args: options.args } : {}),
          startWorkflowOperation: new WithStartWorkflowOperation(workflow, {
            ...start,
            workflowIdConflictPolicy: 'USE_EXISTING',
            workflowIdReusePolicy: options.reuse ?? 'REJECT_DUPLICATE',
          } as WorkflowStartOptions<W> & { workflowIdConflictPolicy: 'USE_EXISTING' }), // (tsc cannot see through the generic args)
        }),
      undefined,
      options.waitMs,
    );
    return { ended: false, state };
  } catch (err) {
    if (err instanceof WorkflowExecutionAlreadyStartedError) return { ended: true };
    throw err;
  }
}
