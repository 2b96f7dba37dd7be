import { randomBytes } from 'node:crypto';
import { MockActivityEnvironment } from '@temporalio/testing';
import { createProductKeyActivities } from '../../activities/product-keys/activities';
import { fakeProductKey } from '../../bench/fake-customers';
import { bearer, createPartner, type TestPartner } from '../support/partners';
import { eventually, type TestStack } from '../support/stack';
import { useStackWithPartner } from '../support/use-stack';

let stack: TestStack;
let p: TestPartner;
useStackWithPartner((s, partner) => {
  stack = s;
  p = partner;
});

const register = (partner: TestPartner, keys: string[], extra: Record<string, unknown> = {}, headers: Record<string, string> = {}) =>
  stack.http('POST', '/v1/product-keys/registrations', { sku: 'BUS-STD', keys, ...extra }, { ...bearer(partner.admin.token), ...headers });

/** Polls a registration until its job is done. */
const finished = (partner: TestPartner, location: string) =>
  eventually(
    async () => {
      const res = await stack.http('GET', location, undefined, bearer(partner.admin.token));
      return res.body.status === 'done' && res.body;
    },
    30_000,
    'the registration to finish',
  );

const inventory = async (partner: TestPartner, query = '') => {
  const keys = [];
  let cursor: string | undefined;
  do {
    const res = await stack.http('GET', `/v1/product-keys?limit=3${query}${cursor ? `&cursor=${cursor}` : ''}`, undefined, bearer(partner.admin.token));
    expect(res.status).toBe(200);
    keys.push(...res.body.items);
    cursor = res.body.nextCursor;
  } while (cursor);
  return keys;
};

describe('product keys', () => {
  it('registers the good lines and refuses, line by line, the malformed ones, repeats, and keys registered anywhere already', async () => {
    const other = await createPartner(stack);
    const taken = fakeProductKey();
    const first = await register(other, [taken]);
    expect(first.status).toBe(202);
    await finished(other, first.headers.get('location')!);

    const [a, b, c] = [fakeProductKey(), fakeProductKey(), fakeProductKey()];
    const lines = [
      a, // 1
      `  ${b.toLowerCase().replace(/-/g, '')} `, // 2: no dashes, lower case, spaces around
      'ABCDE-12345', // 3: too short
      a, // 4: a repeat
      taken, // 5: another partner's
      `${c.slice(0, -1)}!`, // 6: not a letter or digit
      c, // 7
      b, // 8: the same key as line 2
      '', // 9
    ];
    const res = await register(p, lines, { licenses: 3 });
    expect(res.status).toBe(202);
    expect(res.headers.get('location')).toBe(`/v1/product-keys/registrations/${res.body.id}`);
    expect(res.body).toMatchObject({ sku: 'BUS-STD', licenses: 3, total: 9 });
    const done = await finished(p, res.headers.get('location')!);
    expect(done).toMatchObject({ processed: 9, registered: 3, finishedAt: expect.any(String) });
    expect(done.refused).toEqual([
      { line: 3, text: 'ABCDE-12345', reason: 'malformed' },
      { line: 4, text: a, reason: 'duplicate-in-batch' },
      { line: 5, text: taken, reason: 'already-registered' },
      { line: 6, text: `${c.slice(0, -1)}!`, reason: 'malformed' },
      { line: 8, text: b, reason: 'duplicate-in-batch' },
      { line: 9, text: '', reason: 'malformed' },
    ]);
    const mine = await inventory(p);
    expect(mine.map((k) => k.key).sort()).toEqual([a, b, c].sort());
    expect(mine[0]).toMatchObject({ sku: 'BUS-STD', licenses: 3, state: 'unused', registrationId: res.body.id });
    expect((await inventory(other)).map((k) => k.key)).toEqual([taken]);
    // searchable by a part of the key (any case), filterable by state
    expect((await inventory(p, `&q=${b.slice(6, 14).toLowerCase()}`)).map((k) => k.key)).toEqual([b]);
    expect(await inventory(p, '&state=redeemed')).toEqual([]);
    expect((await inventory(p, '&state=unused')).length).toBe(3);
    // written by the job's workflow once its activity is done
    const audited = await eventually(
      async () =>
        (await stack.http('GET', '/v1/audit-events', undefined, bearer(p.admin.token))).body.items.find(
          (e: { action: string }) => e.action === 'product-keys.registered',
        ),
      10_000,
      'the audit entry',
    );
    expect(audited).toMatchObject({
      actor: { kind: 'partner-user', id: p.admin.id },
      details: { total: 9, registered: 3, refused: 6 },
    });
  }, 60_000);

  it('a retry with the same Idempotency-Key meets the same registration; another partner sees none of it', async () => {
    const keys = [fakeProductKey(), fakeProductKey()];
    const headers = { 'idempotency-key': `keys-${randomBytes(6).toString('hex')}` };
    const one = await register(p, keys, {}, headers);
    const again = await register(p, keys, {}, headers);
    expect(again.status).toBe(202);
    expect(again.body.id).toBe(one.body.id);
    expect((await finished(p, one.headers.get('location')!)).registered).toBe(2);
    const other = await createPartner(stack);
    expect((await stack.http('GET', one.headers.get('location')!, undefined, bearer(other.admin.token))).status).toBe(404);
  }, 60_000);

  it('refuses a partner that is not a subscription advisor, a service not in its catalog, and more than 10,000 lines', async () => {
    const plain = await createPartner(stack, { authorisations: [] });
    expect((await register(plain, [fakeProductKey()])).body.type).toBe('/problems/authorisation-required');
    expect((await register(p, [fakeProductKey()], { sku: 'NO-SUCH-SKU' })).body.type).toBe('/problems/sku-not-available');
    const tooMany = await register(p, Array.from({ length: 10_001 }, fakeProductKey));
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.type).toBe('/problems/validation');
  }, 60_000);

  it("its job goes on after a crash: keys the crashed attempt stored count as the registration's own", async () => {
    const keys = Array.from({ length: 2500 }, fakeProductKey);
    const registrationId = `kreg_${randomBytes(8).toString('hex')}`;
    await stack.models.KeyRegistrationLines.create({ _id: registrationId, lines: keys });
    await stack.models.KeyRegistration.create({
      _id: registrationId,
      partnerId: p.id,
      sku: 'BUS-STD',
      licenses: 1,
      total: keys.length,
      status: 'running',
      processed: 1000, // the first chunk was stored and recorded,
      registered: 1000,
      refused: [],
      createdBy: p.admin.id,
      createdAt: new Date(),
    });
    const stored = (k: string) => ({ _id: k, partnerId: p.id, sku: 'BUS-STD', licenses: 1, registrationId, registeredAt: new Date(), state: 'unused' });
    await stack.models.ProductKey.insertMany(keys.slice(0, 1500).map(stored)); // the second one inserted, then the worker died
    const progress: unknown[] = [];
    const env = new MockActivityEnvironment();
    env.on('heartbeat', (d: unknown) => progress.push(d));
    const summary = await env.run(createProductKeyActivities({ models: stack.models }).registerProductKeys, registrationId);
    expect(summary).toEqual({ total: 2500, registered: 2500, refused: 0 });
    expect(progress).toEqual([{ processed: 2000 }, { processed: 2500 }]);
    expect(await stack.models.KeyRegistration.findById(registrationId).lean()).toMatchObject({
      status: 'done',
      processed: 2500,
      registered: 2500,
      refused: [],
    });
    expect(await stack.models.ProductKey.countDocuments({ registrationId })).toBe(2500);
  }, 60_000);
});
