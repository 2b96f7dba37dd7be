import type { SearchAttributePair } from '@temporalio/common';

/**
 * How a workflow starts, whoever starts it (the API with a task queue, a parent
 * with startChild): its id, its input and the search attributes operators find
 * it by. Each domain's start.ts builds these.
 */
export interface StartOptions<Args extends unknown[]> {
  workflowId: string;
  args: Args;
  typedSearchAttributes: SearchAttributePair[];
}
