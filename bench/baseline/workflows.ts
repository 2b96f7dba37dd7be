/**
 * The bare baseline for the throughput benchmark: the same Temporal work as an
 * onboarding chain (workflow starts, updates, signals, activity calls) with
 * empty activities and no business logic.
 */
import { condition, defineSignal, defineUpdate, proxyActivities, setHandler, startChild, workflowInfo } from '@temporalio/workflow';
import type { BaselineActivities } from './activities';

export interface BaselineStep {
  activities: number;
  children: number;
}

export const baselineStepUpdate = defineUpdate<number, [BaselineStep]>('baselineStep');
export const baselineSignal = defineSignal('baselineSignal');
export const baselineDoneSignal = defineSignal('baselineDone');

const { nothing } = proxyActivities<BaselineActivities>({ startToCloseTimeout: '1 minute' });

/** The root of one chain: runs its first activities, then whatever each update asks, until told it is done. */
export async function baselineChainWorkflow(firstActivities: number): Promise<number> {
  let steps = 0;
  let done = false;
  let children = 0;
  setHandler(baselineSignal, () => undefined);
  setHandler(baselineDoneSignal, () => void (done = true));
  setHandler(baselineStepUpdate, async ({ activities, children: n }) => {
    for (let i = 0; i < activities; i++) await nothing();
    for (let i = 0; i < n; i++) {
      await startChild(baselineChildWorkflow, { workflowId: `${workflowInfo().workflowId}:child-${++children}`, args: [] });
    }
    return ++steps;
  });
  for (let i = 0; i < firstActivities; i++) await nothing();
  await condition(() => done);
  return steps;
}

/** A started workflow and nothing more (its start is what is counted; the root runs every activity). */
export async function baselineChildWorkflow(): Promise<void> {}
