import { ApplicationFailure, WorkflowUpdateFailedError } from '@temporalio/client';

/** The ApplicationFailure a workflow refused with (through an update, or as a failed workflow), if any. */
export function applicationFailureOf(err: unknown): ApplicationFailure | undefined {
  for (let e: unknown = err, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    if (e instanceof ApplicationFailure && e.type) return e;
  }
  return undefined;
}

export const isUpdateRefusal = (err: unknown): boolean => err instanceof WorkflowUpdateFailedError && !!applicationFailureOf(err);
