import { randomUUID } from 'node:crypto';
import { createEventActivities } from '../../activities/events/activities';
import { ManagedChild } from '../../src/local/child';
import { bearer, createPartner } from '../support/partners';
import { eventually, startTestStack, type TestStack } from '../support/stack';
import { startWorkerProcess } from '../support/processes';
import { WebhookReceiver } from '../support/webhook-receiver';

/**
 * A worker killed outright while a delivery is in the receiver's hands: nobody heard the answer, so
 * the try's time-out brings it back and another worker sends the event again, under the same id. A
 * receiver that dedupes by that id takes it once.
 */
let stack: TestStack;
const workers: ManagedChild[] = [];
const receiver = new WebhookReceiver();
beforeAll(async () => {
  stack = await startTestStack({ worker: false });
  await receiver.up();
});
afterAll(async () => {
  await Promise.all(workers.map((w) => w.stop(1000)));
  await receiver.down();
  await stack?.stop();
});

function startWorker(): ManagedChild {
  const worker = startWorkerProcess(stack, {
    WEBHOOK_ALLOW_PRIVATE_URLS: 'true',
    WEBHOOK_TIMEOUT_MS: '3000',
    WEBHOOK_RETRY_INITIAL_MS: '200',
    WEBHOOK_RETRY_MAX_INTERVAL_MS: '1000',
  });
  workers.push(worker);
  return worker;
}

it('a worker killed during a delivery: the event is sent again with the same id and taken once', async () => {
  const p = await createPartner(stack);
  const created = await stack.http('POST', '/v1/webhook-endpoints', { url: receiver.url }, bearer(p.admin.token));
  expect(created.status).toBe(201);
  receiver.secret = created.body.secret;
  receiver.mode = 'hang'; // the first try stays in the receiver's hands

  const first = startWorker();
  const publish = createEventActivities({ models: stack.models, temporal: stack.client, taskQueue: stack.taskQueue }).publishEvent;
  const eventId = await publish({
    type: 'subscription.renewed',
    partnerId: p.id,
    subject: { kind: 'subscription', id: 'sub_killed' },
    data: { renewals: 1 },
    key: `test|${randomUUID()}|subscription.renewed`,
    at: new Date().toISOString(),
  });
  await eventually(async () => receiver.of(eventId).length === 1, 60_000, 'the first try to reach the receiver');
  first.process.kill('SIGKILL');
  await first.exited;
  receiver.mode = 'ok';

  startWorker();
  const delivered = await eventually(
    async () => {
      const d = await stack.models.WebhookDelivery.findOne({ eventId }).lean();
      return d?.state === 'delivered' && d;
    },
    60_000,
    'the delivery after the restart',
  );
  const arrivals = receiver.of(eventId);
  expect(arrivals.length).toBeGreaterThanOrEqual(2);
  expect(arrivals.every((a) => a.verified)).toBe(true);
  expect(receiver.processed.size).toBe(1);
  expect(receiver.processed.get(eventId)).toEqual({ type: 'subscription.renewed', data: { renewals: 1 } });
  // the log shows the try that died with its worker (no outcome recorded) and the one taken
  const attempts = await stack.models.WebhookAttempt.find({ deliveryId: delivered._id }).sort({ attempt: 1 }).lean();
  expect(attempts[0]).toMatchObject({ attempt: 1, outcome: 'sending' });
  expect(attempts.at(-1)).toMatchObject({ outcome: 'delivered', status: 204 });
}, 120_000);
