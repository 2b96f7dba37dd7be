import fs from 'node:fs';
import path from 'node:path';
import { temporal } from '@temporalio/proto';
import { ManagedChild } from '../../src/local/child';
import { bearer, createPartner } from '../support/partners';
import { eventually, startTestStack, type TestStack } from '../support/stack';
import { startWorkerProcess } from '../support/processes';
import { linkCode, newCustomer } from '../support/flows';

/**
 * The worker is a process of its own here (as in production): killed outright in
 * the middle of a flow and started again, the flow finishes, nothing duplicated.
 */
let stack: TestStack;
const workers: ManagedChild[] = [];
beforeAll(async () => {
  stack = await startTestStack({ worker: false });
});
afterAll(async () => {
  await Promise.all(workers.map((w) => w.stop(1000)));
  await stack?.stop();
});

function startWorker(): ManagedChild {
  const worker = startWorkerProcess(stack);
  workers.push(worker);
  return worker;
}

it('a worker killed mid-flow and restarted: the flow finishes, nothing duplicated', async () => {
  const first = startWorker();
  const p = await createPartner(stack);
  const inv = await eventually(
    async () => {
      const r = await stack.http(
        'POST',
        '/v1/invitations',
        { sku: 'BUS-STD', trial: { lengthSeconds: 8, reminderOffsetsSeconds: [6, 3], gracePeriodSeconds: 1 } },
        bearer(p.admin.token),
      );
      return r.status === 201 && r;
    },
    60_000,
    'the worker to take work',
  );
  const accepted = await stack.http('POST', `/v1/links/${linkCode(inv.body.url)}/accept`, { customer: newCustomer() });
  expect(accepted.status).toBe(201);
  const customerId: string = accepted.body.customer.id;

  // in the middle of the trial, before the first reminder, and down until the second one's moment has passed
  await eventually(async () => (await stack.models.OutboxMessage.countDocuments({ customerId, kind: 'trial-started' })) === 1, 20_000, 'the trial to start');
  first.process.kill('SIGKILL');
  await first.exited;
  expect(await stack.models.OutboxMessage.countDocuments({ customerId, kind: /^trial-reminder/ })).toBe(0);
  const trialEndsAt = (await stack.models.Subscription.findOne({ customerId }).lean())!.trialEndsAt!;
  const secondDue = new Date(trialEndsAt).getTime() - 3000;
  await new Promise((r) => setTimeout(r, Math.max(0, secondDue - Date.now()) + 500));

  startWorker();
  const handle = stack.client.workflow.getHandle(accepted.body.onboarding.workflowId);
  const final = await handle.result();
  // A history with a late reminder (patch 'late-trial-reminders'), replayed by test/integration/replay.test.ts.
  const fixture = path.join(__dirname, '../fixtures/histories/onboarding-late-reminder.pb');
  if (process.env.RECORD_HISTORIES && (!fs.existsSync(fixture) || process.env.RECORD_HISTORIES === 'overwrite')) {
    fs.writeFileSync(fixture, temporal.api.history.v1.History.encode(await handle.fetchHistory()).finish());
  }
  expect(final.timeline.map((t: { stage: string }) => t.stage)).toEqual(['trial-active', 'trial-expired', 'suspended', 'removed']);

  const kinds = (await stack.models.OutboxMessage.find({ customerId }).lean()).map((m) => m.kind).sort();
  // Each message once. Both reminders were missed while no worker ran: the earlier is never sent, the later one
  // late if the new worker took the flow up before the trial ended (how soon it does depends on the machine's load;
  // the rule itself is tested with time skipping in test/workflows/onboarding.test.ts).
  expect(kinds.filter((k) => k !== 'trial-reminder-3000')).toEqual(['trial-started', 'trial-suspended']);
  expect(kinds.filter((k) => k === 'trial-reminder-3000').length).toBeLessThanOrEqual(1);
  const stages = (await stack.models.TimelineEvent.find({ customerId }).sort({ at: 1 }).lean()).map((e) => e.stage);
  expect(stages).toEqual(['trial-active', 'trial-expired', 'suspended', 'removed']);
  expect(await stack.models.Subscription.countDocuments({ customerId })).toBe(1);
  expect(await stack.models.Customer.countDocuments({ _id: customerId })).toBe(1);
  expect(await stack.models.Redemption.countDocuments({ customerId })).toBe(1);
  const listed = await eventually(
    async () => {
      const c = await stack.directory.get(p.id, customerId);
      return c?.status === 'removed' && c;
    },
    20_000,
    'the directory',
  );
  expect(listed.seq).toBe(0); // one entry, the partner's first customer
  expect(await stack.directory.count(p.id)).toBe(1);
}, 120_000);
