import { randomBytes } from 'node:crypto';
import { createCustomerPublishingActivities } from '../../activities/customer-directory/publish';
import { fakeCustomer, prng } from '../../bench/fake-customers';
import { ORDERS } from '../../src/customers/directory/directory';
import type { CustomerFactsInput } from '../../src/customers/directory/facts';
import { DELEGATED_ADMIN_STATES, type PartnerCustomer } from '../../src/customers/directory/model';
import { matches, type Filter } from '../../src/customers/directory/terms';
import { waitFor } from '../../src/async';
import { customerDirectoryWorkflowId } from '../../workflows/customer-directory/start';
import { Stage } from '../../workflows/stages';
import { bearer, createPartner, type TestPartner } from '../support/partners';
import { startTestStack, type TestStack } from '../support/stack';

/**
 * The customer list's filters (stage, delegated administration, open service requests)
 * and sorts (name, last activity) against a brute-force oracle, with every page followed
 * by cursor; facts published before a customer is listed; the customer summary.
 */
let stack: TestStack;
let p: TestPartner;
let other: TestPartner;
const N = 300;
const STAGES = [Stage.Onboarded, Stage.TrialActive, Stage.Suspended];
type Seeded = Pick<PartnerCustomer, 'customerId' | 'seq' | 'name' | 'domain' | 'status' | 'skus' | 'stage' | 'lastActivityAt'> & {
  delegatedAdmin?: { state: string };
  openRequests?: { critical: number; moderate: number; minimal: number };
};
const seeded: Seeded[] = [];

beforeAll(async () => {
  stack = await startTestStack();
  [p, other] = await Promise.all([createPartner(stack), createPartner(stack)]);
  const rand = prng(11);
  const start = Date.UTC(2026, 0, 1);
  const facts: CustomerFactsInput[] = [];
  const entries = Array.from({ length: N }, (_, i) => {
    const c = fakeCustomer(i, rand);
    const customerId = `cus_f${i.toString().padStart(4, '0')}_${randomBytes(3).toString('hex')}`;
    const at = new Date(start + i * 1000);
    const s: Seeded = { customerId, seq: i, name: c.name, domain: c.domain, status: c.status, skus: c.skus, stage: STAGES[i % 3]!, lastActivityAt: at };
    const state = DELEGATED_ADMIN_STATES[Math.floor(rand() * 4)]!;
    const requests = rand() < 0.3 ? { critical: rand() < 0.4 ? 1 : 0, moderate: rand() < 0.5 ? 2 : 0, minimal: 1 } : undefined;
    if (state !== 'none' || requests) {
      // facts arrive later for some customers (their activity moves on), or earlier than the entry
      const factAt = new Date(start + Math.floor(rand() * N * 2000));
      facts.push({ customerId, at: factAt, ...(state !== 'none' ? { delegatedAdmin: { state } } : {}), ...(requests ? { openRequests: requests } : {}) });
      if (state !== 'none') s.delegatedAdmin = { state };
      if (requests) s.openRequests = requests;
      if (factAt > at) s.lastActivityAt = factAt;
    }
    seeded.push(s);
    return { partnerId: p.id, customerId, name: c.name, domain: c.domain, cloud: 'global', status: c.status, stage: s.stage, skus: c.skus, at };
  });
  // in two batches: facts with the first for customers of the second are held until their entries come
  await stack.directory.apply(
    p.id,
    entries.slice(0, 200),
    facts.filter((_, k) => k % 2 === 0),
  );
  await stack.directory.apply(
    p.id,
    entries.slice(200),
    facts.filter((_, k) => k % 2 === 1),
  );
  await stack.directory.apply(other.id, [
    {
      partnerId: other.id,
      customerId: 'cus_filters_elsewhere',
      name: 'Aardvark Elsewhere',
      domain: 'elsewhere.example',
      cloud: 'global',
      status: 'active',
      stage: Stage.Onboarded,
      skus: ['BUS-STD'],
      at: new Date(start),
    },
  ]);
}, 120_000);
afterAll(async () => {
  await stack?.stop();
});

async function all(query: Record<string, string>, limit = 7): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | undefined;
  for (let guard = 0; guard < 500; guard++) {
    const qs = new URLSearchParams({ ...query, limit: String(limit), ...(cursor ? { cursor } : {}) });
    const res = await stack.http('GET', `/v1/customers?${qs}`, undefined, bearer(p.admin.token));
    expect({ qs: qs.toString(), status: res.status }).toEqual({ qs: qs.toString(), status: 200 });
    expect(res.body.items.length).toBeLessThanOrEqual(limit);
    ids.push(...res.body.items.map((c: { id: string }) => c.id));
    cursor = res.body.nextCursor;
    if (!cursor) return ids;
  }
  throw new Error('pagination did not end');
}

function oracle(f: Filter & { sort?: string }): string[] {
  const { sort, ...filter } = f;
  const key = (c: Seeded): string => (sort === 'name' || sort === 'lastActivity' ? ORDERS[sort](c as PartnerCustomer) : String(1e9 - c.seq).padStart(10, '0'));
  return seeded
    .filter((c) => matches(c, filter))
    .sort((a, b) => (key(a) < key(b) ? -1 : 1))
    .map((c) => c.customerId);
}

describe('customer list filters and sorts', () => {
  it.each([
    ...DELEGATED_ADMIN_STATES.map((s) => ({ delegatedAdmin: s })),
    ...['any', 'critical', 'moderate', 'minimal'].map((s) => ({ openRequests: s })),
    ...STAGES.map((s) => ({ stage: s })),
    { sort: 'newest' },
    { sort: 'name' },
    { sort: 'lastActivity' },
    { delegatedAdmin: 'active', sort: 'name' },
    { openRequests: 'critical', sort: 'lastActivity' },
    { stage: Stage.Suspended, delegatedAdmin: 'none', sort: 'name' },
    { q: 'wind', sort: 'name' },
    { q: 'solar', openRequests: 'any' },
    { status: 'active', sku: 'BUS-STD', delegatedAdmin: 'pending', sort: 'lastActivity' },
  ] as Array<Record<string, string>>)('%j gives every match in its order, each once, page after page', async (query) => {
    const expected = oracle(query);
    expect(expected.length).toBeGreaterThan(0);
    expect(await all(query)).toEqual(expected);
  });

  it('shows each customer with its facts and last activity', async () => {
    const c = seeded.find((x) => x.delegatedAdmin && x.openRequests && x.lastActivityAt.getTime() > Date.UTC(2026, 0, 1) + x.seq * 1000)!;
    const res = await stack.http('GET', `/v1/customers/${c.customerId}`, undefined, bearer(p.admin.token));
    expect(res.body).toMatchObject({
      delegatedAdmin: { state: c.delegatedAdmin!.state },
      openRequests: c.openRequests,
      lastActivityAt: c.lastActivityAt.toISOString(),
    });
  });

  it('follows changes: a renamed customer moves in the name order, a new fact moves it to the top of last activity', async () => {
    const c = seeded[42]!;
    const at = new Date('2027-01-01T00:00:00Z');
    await stack.directory.apply(
      p.id,
      [
        {
          partnerId: p.id,
          customerId: c.customerId,
          name: 'Aaaa First By Name',
          domain: c.domain,
          cloud: 'global',
          status: c.status,
          stage: c.stage,
          skus: c.skus,
          at,
        },
      ],
      [{ customerId: seeded[7]!.customerId, at: new Date('2027-01-02T00:00:00Z'), openRequests: { critical: 0, moderate: 0, minimal: 0 } }],
    );
    c.name = 'Aaaa First By Name';
    c.lastActivityAt = at;
    seeded[7]!.openRequests = { critical: 0, moderate: 0, minimal: 0 };
    seeded[7]!.lastActivityAt = new Date('2027-01-02T00:00:00Z');
    expect((await all({ sort: 'name' }))[0]).toBe(c.customerId);
    expect((await all({ sort: 'lastActivity' })).slice(0, 2)).toEqual([seeded[7]!.customerId, c.customerId]);
    expect(await all({ openRequests: 'any' })).toEqual(oracle({ openRequests: 'any' }));
    expect(await all({ sort: 'name' })).toEqual(oracle({ sort: 'name' }));
  });

  it('binds cursors to their filters and sort, and refuses unknown values with a 400 problem', async () => {
    const first = await stack.http('GET', '/v1/customers?sort=name&limit=5', undefined, bearer(p.admin.token));
    for (const qs of ['sort=lastActivity', 'sort=newest', '', 'sort=name&delegatedAdmin=active']) {
      const res = await stack.http('GET', `/v1/customers?${qs}&limit=5&cursor=${first.body.nextCursor}`, undefined, bearer(p.admin.token));
      expect({ qs, status: res.status, type: res.body.type }).toEqual({ qs, status: 400, type: '/problems/invalid-cursor' });
    }
    for (const qs of [
      'delegatedAdmin=revoked',
      'openRequests=urgent',
      'openRequests=',
      'stage=nowhere',
      'sort=oldest',
      'sort=NAME',
      'delegatedAdmin=active&delegatedAdmin=none',
    ]) {
      const res = await stack.http('GET', `/v1/customers?${qs}`, undefined, bearer(p.admin.token));
      expect({ qs, status: res.status }).toEqual({ qs, status: 400 });
      expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    }
  });

  it("never lists another partner's customers in any order", async () => {
    for (const sort of ['name', 'lastActivity']) expect(await all({ sort })).not.toContain('cus_filters_elsewhere');
    const theirs = await stack.http('GET', '/v1/customers?sort=name', undefined, bearer(other.admin.token));
    expect(theirs.body.items.map((c: { id: string }) => c.id)).toEqual(['cus_filters_elsewhere']);
  });
});

describe('facts published by other workflows', () => {
  it("go through the partner's one writer, and facts for a customer not listed yet are kept until it is", async () => {
    const partnerId = p.id;
    const { publishCustomer, publishCustomerFacts } = createCustomerPublishingActivities({
      temporal: stack.client,
      taskQueue: stack.taskQueue,
      directoryRefreshMs: 100,
    });
    const customerId = `cus_early_${randomBytes(3).toString('hex')}`;
    await publishCustomerFacts({ partnerId, customerId, at: '2027-02-01T00:00:00Z', delegatedAdmin: { state: 'pending' } });
    await publishCustomerFacts({ partnerId, customerId, at: '2027-02-03T00:00:00.000Z', openRequests: { critical: 1, moderate: 0, minimal: 0 } });
    await publishCustomerFacts({
      partnerId,
      customerId,
      at: '2027-02-02T00:00:00.000Z',
      delegatedAdmin: { state: 'active', endsAt: '2028-02-02T00:00:00.000Z' },
    });
    // written while it is not listed: held
    await new Promise((r) => setTimeout(r, 1500));
    expect((await stack.http('GET', `/v1/customers/${customerId}`, undefined, bearer(p.admin.token))).status).toBe(404);
    await publishCustomer({
      partnerId,
      customerId,
      name: 'Early Facts Ltd',
      domain: 'early-facts.example',
      cloud: 'global',
      status: 'trial',
      stage: Stage.TrialActive,
      skus: ['BUS-STD'],
      at: '2027-01-15T00:00:00.000Z',
    });
    const listed = await waitFor(
      'the customer listed',
      async () => {
        const res = await stack.http('GET', `/v1/customers/${customerId}`, undefined, bearer(p.admin.token));
        if (res.status !== 200) throw new Error(`status ${res.status}`);
        return res.body;
      },
      20_000,
      100,
    );
    expect(listed).toMatchObject({
      delegatedAdmin: { state: 'active', endsAt: '2028-02-02T00:00:00.000Z' },
      openRequests: { critical: 1, moderate: 0, minimal: 0 },
      lastActivityAt: '2027-02-03T00:00:00.000Z',
    });
    const critical = await stack.http('GET', '/v1/customers?openRequests=critical&sort=lastActivity&limit=1', undefined, bearer(p.admin.token));
    expect(critical.body.items[0].id).toBe(customerId);
    await expect(publishCustomerFacts({ partnerId, customerId, at: 'yesterday' })).rejects.toThrow(/customer facts refused/);
    await stack.client.workflow.getHandle(customerDirectoryWorkflowId(partnerId)).terminate('test over');
  });
});

describe('customer summary', () => {
  it('gives subscriptions with licenses used and free, the current relationship, open requests by severity and last activity', async () => {
    const c = seeded[10]!;
    const now = new Date();
    const sub = (id: string, sku: string, licenses: number, createdAt: Date) => ({
      _id: id,
      customerId: c.customerId,
      partnerId: p.id,
      sku,
      status: 'active' as const,
      licenses,
      updatedAt: now,
      createdAt,
      revision: 1,
    });
    await stack.models.Subscription.insertMany([
      sub(`sub_a_${c.customerId}`, 'BUS-STD', 5, new Date('2026-01-01T00:00:00Z')),
      sub(`sub_b_${c.customerId}`, 'ENT-E5', 1, new Date('2026-01-02T00:00:00Z')),
      { ...sub(`sub_c_${c.customerId}`, 'MAIL-P1', 3, now), partnerId: other.id }, // another partner's: not shown
    ]);
    const user = (n: number, assignedSkus: string[]) => ({
      _id: `cu_${n}_${c.customerId}`,
      customerId: c.customerId,
      email: `u${n}@${c.domain}`,
      emailLower: `u${n}@${c.domain}`,
      displayName: `User ${n}`,
      assignedSkus,
      createdAt: now,
      updatedAt: now,
    });
    await stack.models.CustomerUser.insertMany([user(1, ['BUS-STD']), user(2, ['BUS-STD', 'ENT-E5']), user(3, ['ENT-E5']), user(4, [])]);
    const rel = (id: string, status: string, requestedAt: string, partnerId = p.id) => ({
      _id: id,
      partnerId,
      customerId: c.customerId,
      status,
      requestedAt,
      extensions: 0,
      autoExtend: false,
      durationMs: 1000,
      revision: 1,
      role: 'full',
      endsAt: '2027-06-01T00:00:00.000Z',
    });
    await stack.models.Relationship.insertMany([
      rel(`rel_old_${c.customerId}`, 'expired', '2025-01-01T00:00:00.000Z'),
      rel(`rel_now_${c.customerId}`, 'active', '2026-01-01T00:00:00.000Z'),
      rel(`rel_other_${c.customerId}`, 'approval-pending', '2026-06-01T00:00:00.000Z', other.id),
    ]);
    const req = (n: number, severity: string, status: string, partnerId = p.id) => ({
      _id: `sr_${n}_${c.customerId}`,
      partnerId,
      customerId: c.customerId,
      severity,
      status,
      title: 't',
    });
    await stack.connection
      .collection('service_requests')
      .insertMany([
        req(1, 'critical', 'open'),
        req(2, 'moderate', 'attention-needed'),
        req(3, 'moderate', 'open'),
        req(4, 'minimal', 'closed'),
        req(5, 'critical', 'open', other.id),
      ] as never[]);

    const res = await stack.http('GET', `/v1/customers/${c.customerId}/summary`, undefined, bearer(p.admin.token));
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      id: c.customerId,
      subscriptions: [
        { id: `sub_a_${c.customerId}`, sku: 'BUS-STD', status: 'active', licenses: 5, licensesUsed: 2, licensesFree: 3 },
        { id: `sub_b_${c.customerId}`, sku: 'ENT-E5', status: 'active', licenses: 1, licensesUsed: 2, licensesFree: 0 },
      ],
      relationship: { id: `rel_now_${c.customerId}`, status: 'active', role: 'full', endsAt: '2027-06-01T00:00:00.000Z' },
      openRequests: { critical: 1, moderate: 2, minimal: 0, total: 3 },
      lastActivityAt: c.lastActivityAt.toISOString(),
    });
  });

  it("is 404 for another partner's customer and for an unknown one", async () => {
    for (const [token, id] of [
      [p.admin.token, 'cus_filters_elsewhere'],
      [other.admin.token, seeded[10]!.customerId],
      [p.admin.token, 'cus_nobody'],
    ] as const) {
      const res = await stack.http('GET', `/v1/customers/${id}/summary`, undefined, bearer(token));
      expect({ id, status: res.status, type: res.body.type }).toEqual({ id, status: 404, type: '/problems/not-found' });
    }
  });
});
