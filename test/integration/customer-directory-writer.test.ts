import { defaultPayloadConverter } from '@temporalio/common';
import { createCustomerPublishingActivities } from '../../activities/customer-directory/publish';
import { customerDirectoryWorkflow } from '../../workflows/customer-directory/workflow';
import { customerDirectoryWorkflowId } from '../../workflows/customer-directory/start';
import { customerChangedSignal } from '../../workflows/customer-directory/messages';
import type { DirectoryEntry, DirectoryOptions } from '../../workflows/customer-directory/types';
import { waitFor } from '../../src/async';
import { downgradeDirectory } from '../support/directory';
import { startTestStack, type TestStack } from '../support/stack';
import { DIRECTORY_VERSION } from '../../src/customers/directory/directory';

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

/** One change, signalled to the partner's writer (started with these options if it is not running). */
const signal = (partnerId: string, options: DirectoryOptions, e: DirectoryEntry) =>
  stack.client.workflow.signalWithStart(customerDirectoryWorkflow, {
    workflowId: customerDirectoryWorkflowId(partnerId),
    taskQueue: stack.taskQueue,
    args: [partnerId, [], options],
    signal: customerChangedSignal,
    signalArgs: [e],
  });

it('writes the changes of one refresh interval in one batch, the last change of each customer winning', async () => {
  const partnerId = 'prt_gather';
  const start = (e: DirectoryEntry) => signal(partnerId, { refreshMs: 3000 }, e);
  const handle = await start(entry(partnerId, 1, 'trial'));
  await start(entry(partnerId, 2, 'trial'));
  await start(entry(partnerId, 1, 'active'));
  await waitFor(
    'both customers listed',
    async () => {
      const page = await stack.directory.search(partnerId, {}, 10);
      if (page.items.length !== 2) throw new Error(`${page.items.length} listed`);
    },
    20_000,
    100,
  );
  const page = await stack.directory.search(partnerId, {}, 10);
  expect(page.items.map((c) => [c.customerId, c.status])).toEqual([
    ['cus_gather_2', 'trial'],
    ['cus_gather_1', 'active'],
  ]);
  // Written by a local activity: no activity task that a busy server could leave unstarted. Its
  // marker is recorded when the workflow task that ran it completes, just after the write.
  const markers = (events: Awaited<ReturnType<typeof handle.fetchHistory>>['events']) =>
    (events ?? []).filter((e) => e.markerRecordedEventAttributes?.markerName === 'core_local_activity');
  await waitFor(
    'the batch recorded',
    async () => {
      if (markers((await handle.fetchHistory()).events).length === 0) throw new Error('no marker yet');
    },
    10_000,
    100,
  );
  const events = (await handle.fetchHistory()).events ?? [];
  expect(markers(events)).toHaveLength(1);
  expect(events.filter((e) => e.activityTaskScheduledEventAttributes)).toHaveLength(0);
  expect(events.filter((e) => e.timerStartedEventAttributes)).toHaveLength(1);
  await handle.terminate('test over');
});

it('renews itself once its history passes the bound it was given, losing no change', async () => {
  const partnerId = 'prt_renew';
  const send = (e: DirectoryEntry) => signal(partnerId, { maxHistoryEvents: 20 }, e);
  const first = await send(entry(partnerId, 1, 'trial'));
  const firstRunId = first.signaledRunId;
  for (let n = 2; n <= 40; n++) {
    await send(entry(partnerId, n, 'trial'));
    await new Promise((r) => setTimeout(r, 100)); // changes arriving one by one: a batch each
  }
  await waitFor(
    'every customer listed',
    async () => {
      const count = await stack.directory.count(partnerId);
      if (count !== 40) throw new Error(`${count} listed`);
    },
    20_000,
    100,
  );
  // continued as new at least once (after a batch is written: the write is seen first)
  await waitFor(
    'a renewed run',
    async () => {
      const now = await stack.client.workflow.getHandle(customerDirectoryWorkflowId(partnerId)).describe();
      if (now.runId === firstRunId) throw new Error('still the first run');
    },
    10_000,
    100,
  );
  const runs: string[] = [];
  const lengths: number[] = [];
  for await (const w of stack.client.workflow.list({ query: `WorkflowId = '${customerDirectoryWorkflowId(partnerId)}'` })) runs.push(w.runId);
  for (const runId of runs) {
    const events = (await stack.client.workflow.getHandle(customerDirectoryWorkflowId(partnerId), runId).fetchHistory()).events ?? [];
    lengths.push(events.length);
  }
  expect(lengths.length).toBeGreaterThanOrEqual(2);
  // one run would hold about 200 events (a signal, a workflow task and a batch each); a renewed run
  // holds the bound, the signals that came while it worked, and its last batch
  expect(Math.max(...lengths)).toBeLessThan(80);
  await stack.client.workflow.getHandle(customerDirectoryWorkflowId(partnerId)).terminate('test over');
});

it('writes a backlog down to what it may carry before it renews, so that its next input stays small', async () => {
  const partnerId = 'prt_backlog';
  const send = (n: number) => signal(partnerId, { maxHistoryEvents: 20, maxCarried: 100 }, entry(partnerId, n, 'trial'));
  for (let n = 0; n < 300; n += 50) await Promise.all(Array.from({ length: 50 }, (_, k) => send(n + k)));
  await waitFor(
    'every customer listed',
    async () => {
      const count = await stack.directory.count(partnerId);
      if (count !== 300) throw new Error(`${count} listed`);
    },
    // 300 customers through one writer that renews every 20 events: 10 s alone, 10 times that on
    // a busy CI machine (where it once listed 432 of 450 in 2 minutes)
    240_000,
    200,
  );
  // (the visibility store lists a new run a moment after it starts)
  const runs = await waitFor(
    'the renewed runs listed',
    async () => {
      const listed = [];
      for await (const w of stack.client.workflow.list({ query: `WorkflowId = '${customerDirectoryWorkflowId(partnerId)}'` })) listed.push(w);
      if (listed.length < 2) throw new Error(`${listed.length} run listed`);
      return listed;
    },
    15_000,
    200,
  );
  const carried: number[] = [];
  for (const w of runs) {
    const started = (await stack.client.workflow.getHandle(w.workflowId, w.runId).fetchHistory()).events![0]!;
    const args = started.workflowExecutionStartedEventAttributes!.input!.payloads!.map((p) => defaultPayloadConverter.fromPayload(p as never)) as [
      string,
      DirectoryEntry[],
    ];
    carried.push(args[1].length);
  }
  expect(carried.length).toBeGreaterThan(1);
  expect(Math.max(...carried)).toBeLessThanOrEqual(100);
  await stack.client.workflow.getHandle(customerDirectoryWorkflowId(partnerId)).terminate('test over');
}, 300_000);

it('lists every change of a burst from a hundred onboardings at once, which reach the writer in a few signals', async () => {
  const partnerId = 'prt_herd';
  const { publishCustomer } = createCustomerPublishingActivities({ temporal: stack.client, taskQueue: stack.taskQueue, directoryRefreshMs: 200 });
  // as a worker's hundred activity slots would, one change after another
  let n = 0;
  await Promise.all(
    Array.from({ length: 100 }, async () => {
      for (let k = 0; k < 6; k++) await publishCustomer(entry(partnerId, n++, 'trial'));
    }),
  );
  await waitFor(
    'every customer listed',
    async () => {
      const count = await stack.directory.count(partnerId);
      if (count !== 600) throw new Error(`${count} listed`);
    },
    60_000,
    200,
  );
  // one signal per partner on its way at a time: the changes travel together
  let signals = 0;
  for await (const w of stack.client.workflow.list({ query: `WorkflowId = '${customerDirectoryWorkflowId(partnerId)}'` })) {
    const events = (await stack.client.workflow.getHandle(w.workflowId, w.runId).fetchHistory()).events ?? [];
    signals += events.filter((e) => e.workflowExecutionSignaledEventAttributes).length;
  }
  expect(signals).toBeGreaterThan(0);
  expect(signals).toBeLessThan(150); // a quarter of the changes at the most
  await stack.client.workflow.getHandle(customerDirectoryWorkflowId(partnerId)).terminate('test over');
}, 120_000);

it('brings a directory of an older layout up to the current one when a batch finds it, every customer then in its filters', async () => {
  const partnerId = 'prt_upgrade';
  const options = { refreshMs: 0 };
  for (let n = 0; n < 40; n++) await signal(partnerId, options, entry(partnerId, n, n % 2 ? 'active' : 'trial'));
  const byStage = async (stage: string) => (await stack.directory.searchFaceted(partnerId, { stage }, 100)).items.length;
  await waitFor('every customer listed', async () => expect(await byStage('trial')).toBe(20), 20_000, 100);
  await downgradeDirectory(stack, partnerId);
  expect(await byStage('trial')).toBe(0);
  await signal(partnerId, options, entry(partnerId, 40, 'trial')); // the next batch finds the old layout
  await waitFor('the directory upgraded', async () => expect(await byStage('trial')).toBe(21), 30_000, 200);
  expect(await byStage('active')).toBe(20);
  expect((await stack.directory.searchOrdered(partnerId, 'name', {}, 100)).items).toHaveLength(41);
  expect(JSON.parse((await stack.directory.index.get(`m|${partnerId}`))!.v)).toMatchObject({ next: 41, version: DIRECTORY_VERSION });
  const events = (await stack.client.workflow.getHandle(customerDirectoryWorkflowId(partnerId)).fetchHistory()).events ?? [];
  expect(events.filter((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'upgradeDirectory')).toHaveLength(1);
  await stack.client.workflow.getHandle(customerDirectoryWorkflowId(partnerId)).terminate('test over');
}, 120_000);
