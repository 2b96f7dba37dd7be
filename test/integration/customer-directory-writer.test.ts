import { customerDirectoryWorkflow } from '../../workflows/customer-directory/workflow';
import { customerDirectoryWorkflowId } from '../../workflows/customer-directory/ids';
import { customerChangedSignal } from '../../workflows/customer-directory/messages';
import type { DirectoryEntry } from '../../workflows/customer-directory/types';
import { waitFor } from '../../src/async';
import { startTestStack, type TestStack } from '../support/stack';

/** The partner's single directory writer gathers changes for its refresh interval, then writes them in one batch. */
let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack();
}, 60_000);
afterAll(async () => {
  await stack?.stop();
});

const entry = (partnerId: string, n: number, status: DirectoryEntry['status']): DirectoryEntry => ({
  partnerId,
  customerId: `cus_gather_${n}`,
  name: `Gathered Customer ${n}`,
  domain: `gathered-${n}.example`,
  cloud: 'global',
  status,
  stage: status,
  skus: ['BUS-STD'],
  at: new Date(Date.UTC(2026, 0, 1, 0, 0, n)).toISOString(),
});

it('writes the changes of one refresh interval in one batch, the last change of each customer winning', async () => {
  const partnerId = 'prt_gather';
  const start = (e: DirectoryEntry) =>
    stack.client.workflow.signalWithStart(customerDirectoryWorkflow, {
      workflowId: customerDirectoryWorkflowId(partnerId),
      taskQueue: stack.taskQueue,
      args: [partnerId, [], { refreshMs: 3000 }],
      signal: customerChangedSignal,
      signalArgs: [e],
    });
  const handle = await start(entry(partnerId, 1, 'trial'));
  await start(entry(partnerId, 2, 'trial'));
  await start(entry(partnerId, 1, 'active'));
  await waitFor('both customers listed', async () => {
    const page = await stack.directory.search(partnerId, {}, 10);
    if (page.items.length !== 2) throw new Error(`${page.items.length} listed`);
  }, 20_000, 100);
  const page = await stack.directory.search(partnerId, {}, 10);
  expect(page.items.map((c) => [c.customerId, c.status])).toEqual([
    ['cus_gather_2', 'trial'],
    ['cus_gather_1', 'active'],
  ]);
  const events = (await handle.fetchHistory()).events ?? [];
  expect(events.filter((e) => e.activityTaskScheduledEventAttributes)).toHaveLength(1);
  expect(events.filter((e) => e.timerStartedEventAttributes)).toHaveLength(1);
  await handle.terminate('test over');
});
