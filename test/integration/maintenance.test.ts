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

  it('the worker creates the hourly schedule once, however often it starts', async () => {
    const connection = stack.client.connection;
    await ensureSchedules(connection, 'default', stack.taskQueue);
    await ensureSchedules(connection, 'default', stack.taskQueue);
    const description = await stack.client.schedule.getHandle(CLEANUP_SCHEDULE_ID).describe();
    expect(description.spec.intervals).toEqual([expect.objectContaining({ every: 3_600_000 })]);
    expect(description.action).toMatchObject({ type: 'startWorkflow', workflowType: 'cleanupWorkflow' });
  });
});
