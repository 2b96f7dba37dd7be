import { cleanupWorkflow } from '../../workflows';
import { CLEANUP_SCHEDULE_ID } from '../../workflows/maintenance/start';
import { ensureSchedules } from '../../src/worker/schedules';
import { startTestStack, type TestStack } from '../support/stack';

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(async () => {
  await stack?.stop();
});

describe('clean-up by a Temporal schedule (FerretDB has no TTL indexes)', () => {
  it('the clean-up workflow deletes expired Idempotency-Keys and keeps the others', async () => {
    const now = Date.now();
    const key = (id: string, expiresIn: number) => ({
      _id: id,
      fingerprint: 'f',
      state: 'done',
      createdAt: new Date(now - 1000),
      expiresAt: new Date(now + expiresIn),
    });
    await stack.models.IdempotencyKey.insertMany([key('old-1', -60_000), key('old-2', -1), key('fresh', 3_600_000)]);
    const result = await stack.client.workflow.execute(cleanupWorkflow, { taskQueue: stack.taskQueue, workflowId: `cleanup-test-${now}` });
    expect(result).toMatchObject({ idempotencyKeys: 2 });
    expect((await stack.models.IdempotencyKey.find().lean()).map((k) => k._id)).toEqual(['fresh']);
  });

  it('removes an offer (and its link) that no customer’s offer workflow took up within the hour, and nothing else', async () => {
    const now = Date.now();
    const offer = (id: string, agoMs: number) => ({
      _id: id,
      partnerId: 'ptn_maintenance',
      code: `code-${id}`,
      items: [{ sku: 'BUS-STD', licenses: 5 }],
      createdBy: 'usr_x',
      createdAt: new Date(now - agoMs),
      expiresAt: new Date(now + 86_400_000),
      billingPeriodMs: 1,
      cancellationWindowMs: 1,
    });
    const offers = [offer('ofr_unsent', 2 * 3600_000), offer('ofr_sent', 2 * 3600_000), offer('ofr_young', 60_000)];
    await stack.models.Offer.insertMany(offers);
    await stack.models.LinkCode.insertMany(offers.map((o) => ({ _id: o.code, kind: 'offer', targetId: o._id, createdAt: o.createdAt })));
    await stack.models.OfferRecipient.create({
      _id: 'ofr_sent|cus_x',
      offerId: 'ofr_sent',
      partnerId: 'ptn_maintenance',
      customerId: 'cus_x',
      status: 'sent',
      items: [{ sku: 'BUS-STD', licenses: 5 }],
      expiresAt: new Date(now + 86_400_000).toISOString(),
      sentAt: new Date(now).toISOString(),
      revision: 1,
    });
    const result = await stack.client.workflow.execute(cleanupWorkflow, { taskQueue: stack.taskQueue, workflowId: `cleanup-offers-${now}` });
    expect(result.unsentOffers).toBe(1);
    expect((await stack.models.Offer.find({ partnerId: 'ptn_maintenance' }).lean()).map((o) => o._id).sort()).toEqual(['ofr_sent', 'ofr_young']);
    expect((await stack.models.LinkCode.find({ kind: 'offer', targetId: /^ofr_(unsent|sent|young)$/ }).lean()).map((l) => l.targetId).sort()).toEqual([
      'ofr_sent',
      'ofr_young',
    ]);
  });

  it('the worker creates the hourly schedule once, however often it starts', async () => {
    const connection = stack.client.connection;
    await ensureSchedules(connection, 'default', stack.taskQueue);
    await ensureSchedules(connection, 'default', stack.taskQueue);
    const description = await stack.client.schedule.getHandle(CLEANUP_SCHEDULE_ID).describe();
    expect(description.spec.intervals).toEqual([expect.objectContaining({ every: 3_600_000 })]);
    expect(description.action).toMatchObject({ type: 'startWorkflow', workflowType: 'cleanupWorkflow' });
  });
});
