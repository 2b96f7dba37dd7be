import { Client, Connection, type WorkflowExecutionInfo } from '@temporalio/client';
import { mapLimit } from '../../src/async';
import { readSnapshot, totals } from './count-effects';

/**
 * Waits, bounded, until the system has nothing left to do: no running workflow has a
 * pending activity or workflow task, and the records counted hold still between two
 * looks. What is still pending at the bound is returned (so a report can say why).
 */

export interface Pending {
  workflowId: string;
  activities: Array<{ type: string; attempt: number; state: string; lastFailure?: string }>;
  workflowTask: boolean;
}

export interface Settled {
  drained: boolean;
  ms: number;
  pending: Pending[];
  /** Workflows that ended badly (failed, timed out, terminated). */
  badlyEnded: Array<{ workflowId: string; type: string; status: string }>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function settle(temporalAddress: string, mongodbUri: string, boundMs: number): Promise<Settled> {
  const connection = await Connection.connect({ address: temporalAddress });
  const client = new Client({ connection, namespace: 'default' });
  const started = Date.now();
  try {
    let lastTotals = '';
    let pending: Pending[] = [];
    for (;;) {
      pending = await pendingWork(client);
      const now = JSON.stringify(totals(await readSnapshot(mongodbUri)));
      if (pending.length === 0 && now === lastTotals) break;
      lastTotals = now;
      if (Date.now() - started > boundMs) break;
      await sleep(2000);
    }
    return { drained: pending.length === 0, ms: Date.now() - started, pending, badlyEnded: await badlyEnded(client) };
  } finally {
    await connection.close();
  }
}

async function list(client: Client, query: string): Promise<WorkflowExecutionInfo[]> {
  const found: WorkflowExecutionInfo[] = [];
  for await (const w of client.workflow.list({ query })) found.push(w);
  return found;
}

async function pendingWork(client: Client): Promise<Pending[]> {
  const running = await list(client, 'ExecutionStatus = "Running"');
  const described = await mapLimit(running, 8, async (w) => {
    const d = await client.workflow.getHandle(w.workflowId, w.runId).describe();
    return {
      workflowId: w.workflowId,
      activities: (d.raw.pendingActivities ?? []).map((a) => ({
        type: a.activityType?.name ?? '?',
        attempt: a.attempt ?? 0,
        state: String(a.state ?? ''),
        lastFailure: a.lastFailure?.message ?? undefined,
      })),
      workflowTask: Boolean(d.raw.pendingWorkflowTask),
    };
  });
  return described.filter((p) => p.activities.length > 0 || p.workflowTask);
}

async function badlyEnded(client: Client) {
  const ended = await list(client, 'ExecutionStatus = "Failed" OR ExecutionStatus = "TimedOut" OR ExecutionStatus = "Terminated"');
  return ended.map((w) => ({ workflowId: w.workflowId, type: w.type, status: w.status.name }));
}
