import { randomBytes } from 'node:crypto';
import { fakeCustomer, prng } from '../../bench/fake-customers';
import { DIRECTORY_VERSION } from '../../src/customers/directory/directory';
import { DELEGATED_ADMIN_STATES } from '../../src/customers/directory/model';
import { bearer, createPartner, type TestPartner } from '../support/partners';
import { directoryInput, downgradeDirectory } from '../support/directory';
import { startTestStack, type TestStack } from '../support/stack';

/**
 * A directory written before the facet terms and the name, last-activity and facet orders
 * existed is brought up to the current layout by the writer (upgradeSlice, a slice at a time):
 * afterwards every filter and order lists every customer, as for a directory written today.
 */
let stack: TestStack;
let p: TestPartner;
const N = 300;
const STAGES = ['onboarded', 'trial-active', 'purchased'];
const QUERIES: Array<Record<string, string>> = [
  { stage: 'trial-active' },
  { delegatedAdmin: 'active' },
  { delegatedAdmin: 'none' },
  { openRequests: 'any' },
  { openRequests: 'critical', delegatedAdmin: 'pending' },
  { sort: 'name' },
  { sort: 'lastActivity' },
  { openRequests: 'any', sort: 'lastActivity' },
  { sort: 'name', stage: 'purchased' },
];

beforeAll(async () => {
  stack = await startTestStack({ worker: false });
  p = await createPartner(stack);
  const rand = prng(11);
  const at = new Date('2026-01-01T00:00:00Z');
  const customers = Array.from({ length: N }, (_, i) => ({ ...fakeCustomer(i, rand), customerId: `cus_up${i}_${randomBytes(3).toString('hex')}` }));
  await stack.directory.apply(
    p.id,
    customers.map((c, i) => directoryInput(p.id, c, STAGES[i % 3]!, new Date(at.getTime() + i * 1000))),
    customers.map((c, i) => ({
      customerId: c.customerId,
      at: new Date(at.getTime() + (N - i) * 7000),
      delegatedAdmin: { state: DELEGATED_ADMIN_STATES[i % 4]! },
      ...(i % 5 === 0 ? { openRequests: { critical: i % 2, moderate: 1, minimal: 0 } } : {}),
    })),
  );
}, 120_000);
afterAll(async () => {
  await stack?.stop();
});

async function list(query: Record<string, string>): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | undefined;
  for (let guard = 0; guard < 100; guard++) {
    const qs = new URLSearchParams({ ...query, limit: '50', ...(cursor ? { cursor } : {}) });
    const res = await stack.http('GET', `/v1/customers?${qs}`, undefined, bearer(p.admin.token));
    expect(res.status).toBe(200);
    ids.push(...res.body.items.map((c: { id: string }) => c.id));
    cursor = res.body.nextCursor;
    if (!cursor) return ids;
  }
  throw new Error('pagination did not end');
}

describe('upgrading a directory of an earlier layout', () => {
  it('lists every customer in every filter and order again, slice by slice, and once current does nothing', async () => {
    const expected = new Map<string, string[]>();
    for (const q of QUERIES) expected.set(JSON.stringify(q), await list(q));
    expect(expected.get(JSON.stringify({ sort: 'name' }))).toHaveLength(N);
    expect(expected.get(JSON.stringify({ stage: 'trial-active' }))).toHaveLength(N / 3);

    await downgradeDirectory(stack, p.id);
    for (const q of QUERIES) expect(await list(q)).toEqual([]); // what an old directory answered

    const slices = [];
    for (let done = false; !done;) {
      const progress = await stack.directory.upgradeSlice(p.id, 64);
      slices.push(progress.upTo);
      done = progress.done;
      // the plain list and search keep working while it upgrades
      expect(await list({ q: 'onmicrosoft' })).toHaveLength(N);
    }
    expect(slices).toEqual([64, 128, 192, 256, 300]);
    for (const q of QUERIES) expect([q, await list(q)]).toEqual([q, expected.get(JSON.stringify(q))]);
    expect(JSON.parse((await stack.directory.index.get(`m|${p.id}`))!.v)).toMatchObject({ next: N, version: DIRECTORY_VERSION });
    expect(await stack.directory.upgradeSlice(p.id, 64)).toEqual({ done: true, upTo: N, of: N });
  }, 120_000);

  it('a directory made today is current from its first batch', async () => {
    const q = await createPartner(stack);
    await stack.directory.apply(q.id, [
      {
        partnerId: q.id,
        customerId: 'cus_today',
        name: 'Today Ltd',
        domain: 'today.example',
        cloud: 'global',
        status: 'active',
        stage: 'onboarded',
        skus: [],
        at: new Date(),
      },
    ]);
    expect(JSON.parse((await stack.directory.index.get(`m|${q.id}`))!.v)).toMatchObject({ next: 1, version: DIRECTORY_VERSION });
    expect(await stack.directory.upgradeSlice(q.id)).toEqual({ done: true, upTo: 1, of: 1 });
  });
});
