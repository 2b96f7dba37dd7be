import { INVALID_RECORD, saveSnapshot } from '../../activities/records';
import { startTestStack, type TestStack } from '../support/stack';

/** Workflows' snapshots of records are written in revision order, whatever the retries. */
let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack({ worker: false });
}, 60_000);
afterAll(async () => {
  await stack?.stop();
});

const snapshot = (revision: number, licenses: number) => ({
  customerId: 'cus_snap',
  partnerId: 'prt_snap',
  sku: 'BUS-STD',
  status: 'active' as const,
  licenses,
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: new Date(Date.UTC(2026, 0, 1, 0, revision)).toISOString(),
  revision,
});

it('writes a newer revision, and drops a repeated or older one', async () => {
  const Sub = stack.models.Subscription;
  expect(await saveSnapshot(Sub, 'sub_snap', snapshot(1, 5))).toBe(true);
  expect(await saveSnapshot(Sub, 'sub_snap', snapshot(1, 5))).toBe(false); // the same activity again
  expect(await saveSnapshot(Sub, 'sub_snap', snapshot(3, 9))).toBe(true);
  expect(await saveSnapshot(Sub, 'sub_snap', snapshot(2, 7))).toBe(false); // a late retry of an older one
  const stored = await Sub.findById('sub_snap').lean();
  expect(stored).toMatchObject({ revision: 3, licenses: 9, status: 'active' });
  expect(stored!.updatedAt).toEqual(new Date(Date.UTC(2026, 0, 1, 0, 3)));
  // A first revision of a record stored before its workflow wrote (no revision yet) still replaces it.
  await Sub.collection.insertOne({ _id: 'sub_pre' as never, customerId: 'cus_snap', partnerId: 'prt_snap', sku: 'BUS-STD', status: 'trial', licenses: 1 });
  expect(await saveSnapshot(Sub, 'sub_pre', snapshot(1, 4))).toBe(true);
  expect(await Sub.findById('sub_pre').lean()).toMatchObject({ revision: 1, licenses: 4, status: 'active' });
  // a record its schema refuses fails for good (a bug no retry mends), and nothing is stored
  await expect(saveSnapshot(Sub, 'sub_bad', { ...snapshot(1, 5), status: 'lost' as never })).rejects.toMatchObject({
    type: INVALID_RECORD,
    nonRetryable: true,
    message: expect.stringMatching(/status/),
  });
  expect(await Sub.findById('sub_bad').lean()).toBeNull();
  await expect(saveSnapshot(Sub, 'sub_snap', { ...snapshot(4, 9), unknownField: 1 } as never)).rejects.toMatchObject({
    type: INVALID_RECORD,
    nonRetryable: true,
  });
  expect(await Sub.findById('sub_snap').lean()).toMatchObject({ revision: 3 });
});
