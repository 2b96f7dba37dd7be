import { LockBusyError } from '../../src/db/lock';
import { countInFunnel, type FunnelEntry } from '../../src/funnel/count';
import { bearer, createPartner, type TestPartner } from '../support/partners';
import { eventually, type TestStack } from '../support/stack';
import * as flows from '../support/flows';
import { useStackWithPartner } from '../support/use-stack';

let stack: TestStack;
let p: TestPartner;
useStackWithPartner((s, partner) => {
  stack = s;
  p = partner;
});

const funnel = async (partner: TestPartner, query = '') => {
  const res = await stack.http('GET', `/v1/funnel${query}`, undefined, bearer(partner.admin.token));
  expect(res.status).toBe(200);
  return Object.fromEntries((res.body.steps as Array<{ step: string; count: number; rate: number | null }>).map((s) => [s.step, s]));
};
const counts = async (partner: TestPartner, query = '') => Object.fromEntries(Object.entries(await funnel(partner, query)).map(([k, v]) => [k, v.count]));

/** As its activity calls it: a writer that waited too long for the month's lock is tried again (the activity's retry policy). */
async function count(e: FunnelEntry): Promise<void> {
  for (;;) {
    try {
      return await countInFunnel(stack.workerModels, e);
    } catch (err) {
      if (!(err instanceof LockBusyError)) throw err;
    }
  }
}

describe('the conversion funnel', () => {
  it('moves with each step of the chain as the workflows take it, and is the partner’s own', async () => {
    const before = await counts(p);
    const c = await flows.trialCustomer(stack, p);
    // the trial and its contact as invited: counted together, but in two writes (one per step)
    await eventually(
      async () => {
        const now = await counts(p);
        return now.trial === before.trial! + 1 && now.invited === before.invited! + 1;
      },
      20_000,
      'the trial and its invited contact counted',
    );
    const offer = await flows.sendOffer(stack, p, [c.id], [{ sku: 'BUS-STD', licenses: 5 }], { delegatedAdmin: { durationDays: 30 } });
    await eventually(async () => (await counts(p))['offer-sent'] === before['offer-sent']! + 1, 20_000, 'the offer counted');
    expect((await flows.acceptOffer(stack, offer.code, c.token, { acceptDelegatedAdmin: true })).status).toBe(201);
    await eventually(
      async () => {
        const now = await counts(p);
        return now.purchased === before.purchased! + 1 && now['delegated-admin-active'] === before['delegated-admin-active']! + 1;
      },
      20_000,
      'the purchase and the relationship counted',
    );
    const steps = await funnel(p);
    expect(steps.invited!.rate).toBeNull();
    expect(steps.trial!.rate).toBe(Math.round((steps.trial!.count / steps.invited!.count) * 1000) / 1000);

    // another partner's funnel does not see it
    const other = await createPartner(stack);
    expect(Object.values(await counts(other))).toEqual([0, 0, 0, 0, 0]);
    // a period that ends before today does not either
    expect(Object.values(await counts(p, '?from=2020-01-01&to=2020-12-31'))).toEqual([0, 0, 0, 0, 0]);
  });

  it('counts each member once a day however often and however concurrently it is counted, and sums days across months', async () => {
    const q = await createPartner(stack);
    const entry = { partnerId: q.id, step: 'trial' as const, member: 'cus_1', at: '2026-01-31T10:00:00.000Z' };
    // the same member (retried activities) and 40 others, all at once into one month: none lost, none twice
    await Promise.all([
      ...[1, 2, 3].map(() => count(entry)),
      ...Array.from({ length: 40 }, (_, i) => count({ ...entry, member: `cus_x${i}`, at: `2026-01-${String(1 + (i % 3)).padStart(2, '0')}T08:00:00.000Z` })),
    ]);
    await count({ ...entry, member: 'cus_2', at: '2026-02-01T09:00:00.000Z' });
    await count({ ...entry, member: 'cus_1', at: '2026-02-02T09:00:00.000Z' });
    expect((await counts(q, '?from=2026-01-01&to=2026-01-31')).trial).toBe(41);
    expect((await counts(q, '?from=2026-01-31&to=2026-02-02')).trial).toBe(3);
    expect((await counts(q, '?from=2026-02-01&to=2026-02-01')).trial).toBe(1);
  });

  it('refuses a period that is backwards, too long or not made of days', async () => {
    for (const query of ['?from=2026-02-02&to=2026-02-01', '?from=2024-01-01&to=2026-01-01', '?from=yesterday', '?to=2026-02-30']) {
      const res = await stack.http('GET', `/v1/funnel${query}`, undefined, bearer(p.admin.token));
      expect(res.status).toBe(400);
      expect(res.headers.get('content-type')).toMatch(/application\/problem\+json/);
    }
  });
});
