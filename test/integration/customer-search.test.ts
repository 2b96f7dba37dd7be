import { randomBytes } from 'node:crypto';
import { fakeCustomer, prng, type FakeCustomer } from '../../bench/fake-customers';
import { CustomerDirectory } from '../../src/customers/directory/directory';
import { matches } from '../../src/customers/directory/terms';
import { bearer, createPartner, type TestPartner } from '../support/partners';
import { directoryInput } from '../support/directory';
import { startTestStack, type TestStack } from '../support/stack';

/**
 * The customer directory against a brute-force oracle: every query's pages,
 * followed to the end, give exactly the matching customers, newest first, each
 * once — also while customers are added and changed between pages.
 */
let stack: TestStack;
let p: TestPartner;
let other: TestPartner;
const N = 600;
let seeded: Array<FakeCustomer & { customerId: string; seq: number }>;

beforeAll(async () => {
  stack = await startTestStack({ worker: false });
  [p, other] = await Promise.all([createPartner(stack), createPartner(stack)]);
  const rand = prng(7);
  seeded = Array.from({ length: N }, (_, i) => ({
    ...fakeCustomer(i, rand),
    customerId: `cus_${i.toString().padStart(4, '0')}_${randomBytes(3).toString('hex')}`,
    seq: i,
  }));
  // two batches, as customers arrive over time
  const at = new Date('2026-01-01T00:00:00Z');
  const input = (c: (typeof seeded)[number]) => directoryInput(p.id, c, 'onboarded', at);
  await stack.directory.apply(p.id, seeded.slice(0, 400).map(input));
  await stack.directory.apply(p.id, seeded.slice(400).map(input));
  await stack.directory.apply(other.id, [
    {
      partnerId: other.id,
      customerId: 'cus_elsewhere',
      name: 'Northwind Solar Other',
      domain: 'other.example',
      cloud: 'global',
      status: 'active',
      stage: 'onboarded',
      skus: ['BUS-STD'],
      at,
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
    expect(res.status).toBe(200);
    expect(res.body.items.length).toBeLessThanOrEqual(limit);
    ids.push(...res.body.items.map((c: { id: string }) => c.id));
    cursor = res.body.nextCursor;
    if (!cursor) return ids;
  }
  throw new Error('pagination did not end');
}

const oracle = (f: { q?: string; status?: string; sku?: string }) =>
  seeded
    .filter((c) => matches(c, f))
    .sort((a, b) => b.seq - a.seq)
    .map((c) => c.customerId);

describe('customer search', () => {
  it.each([
    [{}],
    [{ q: 'wind' }],
    [{ q: 'WIND' }],
    [{ q: 'Rthwi' }],
    [{ q: 'northwindsolar' }],
    [{ q: 'solar tr' }],
    [{ q: 'onmicrosoft.com' }],
    [{ q: 'muller' }],
    [{ q: 'Müller' }],
    [{ q: 'gmbh' }],
    [{ q: 'zz' }],
    [{ q: 'xq' }],
    [{ q: '7.onmicro' }],
    [{ status: 'suspended' }],
    [{ sku: 'ENT-E5' }],
    [{ q: 'solar', status: 'trial' }],
    [{ q: 'ridge', status: 'active', sku: 'BUS-STD' }],
  ])('%j gives every match, newest first, each once', async (f) => {
    const expected = oracle(f as Record<string, string>);
    const got = await all(f as Record<string, string>);
    expect(got).toEqual(expected);
  });

  it('matches any part of name or domain, not only a prefix, ignoring case and accents', async () => {
    const sample = seeded[123]!;
    const middle = sample.domain.slice(3, 9);
    const got = await all({ q: middle.toUpperCase() });
    expect(got).toContain(sample.customerId);
    expect(got).toEqual(oracle({ q: middle }));
  });

  it('keeps its place while customers are added and changed between pages', async () => {
    const first = await stack.http('GET', '/v1/customers?q=wind&limit=5', undefined, bearer(p.admin.token));
    const seen = first.body.items.map((c: { id: string }) => c.id);
    // a new match arrives, and an old one on a later page changes status
    const newcomer = `cus_new_${randomBytes(3).toString('hex')}`;
    const at = new Date();
    await stack.directory.apply(p.id, [
      {
        partnerId: p.id,
        customerId: newcomer,
        name: 'Southwind Newcomer Ltd',
        domain: 'newcomer.example',
        cloud: 'global',
        status: 'trial',
        stage: 'trial',
        skus: ['BUS-BASIC'],
        at,
      },
    ]);
    const expectedRest = oracle({ q: 'wind' }).filter((id) => !seen.includes(id));
    const changed = seeded.find((c) => c.customerId === expectedRest[3])!;
    await stack.directory.apply(p.id, [
      {
        partnerId: p.id,
        customerId: changed.customerId,
        name: changed.name,
        domain: changed.domain,
        cloud: 'global',
        status: 'suspended',
        stage: 'suspended',
        skus: changed.skus,
        at,
      },
    ]);

    const rest: string[] = [];
    let cursor = first.body.nextCursor as string | undefined;
    while (cursor) {
      const res = await stack.http('GET', `/v1/customers?q=wind&limit=5&cursor=${cursor}`, undefined, bearer(p.admin.token));
      rest.push(...res.body.items.map((c: { id: string }) => c.id));
      cursor = res.body.nextCursor;
    }
    expect(rest).toEqual(expectedRest); // the changed one still in place, the newcomer not repeated below
    expect([...seen, ...rest]).not.toContain(newcomer);
    const now = await all({ q: 'wind' });
    expect(now[0]).toBe(newcomer); // and it tops the list from now on
    changed.status = 'suspended';
    expect(await all({ status: 'suspended' })).toContain(changed.customerId);
    seeded.push({ ...changed, customerId: newcomer, name: 'Southwind Newcomer Ltd', domain: 'newcomer.example', status: 'trial', skus: ['BUS-BASIC'], seq: N });
  });

  it('filters follow changes: a customer leaves the old status and SKU lists and joins the new', async () => {
    const c = seeded.find((x) => x.status === 'active' && x.skus.includes('MAIL-P1'))!;
    await stack.directory.apply(p.id, [
      {
        partnerId: p.id,
        customerId: c.customerId,
        name: `${c.name} Renamed Zephyr`,
        domain: c.domain,
        cloud: 'global',
        status: 'removed',
        stage: 'removed',
        skus: ['STOR-P1'],
        at: new Date(),
      },
    ]);
    expect(await all({ status: 'active' })).not.toContain(c.customerId);
    expect(await all({ sku: 'MAIL-P1' })).not.toContain(c.customerId);
    expect(await all({ status: 'removed', sku: 'STOR-P1' })).toContain(c.customerId);
    expect(await all({ q: 'zephyr' })).toEqual([c.customerId]);
    const one = await stack.http('GET', `/v1/customers/${c.customerId}`, undefined, bearer(p.admin.token));
    expect(one.body).toMatchObject({ id: c.customerId, status: 'removed', skus: ['STOR-P1'], name: `${c.name} Renamed Zephyr` });
    expect(Date.parse(one.body.updatedAt)).toBeGreaterThan(Date.parse(one.body.createdAt));
  });

  it("never shows another partner's customers", async () => {
    expect(await all({ q: 'other' })).not.toContain('cus_elsewhere');
    expect((await stack.http('GET', '/v1/customers/cus_elsewhere', undefined, bearer(p.admin.token))).status).toBe(404);
    const theirs = await stack.http('GET', '/v1/customers', undefined, bearer(other.admin.token));
    expect(theirs.body.items.map((c: { id: string }) => c.id)).toEqual(['cus_elsewhere']);
  });

  it('refuses a cursor from another query, a too-short query and an oversized page', async () => {
    const first = await stack.http('GET', '/v1/customers?q=wind&limit=5', undefined, bearer(p.admin.token));
    const misused = await stack.http('GET', `/v1/customers?q=stone&limit=5&cursor=${first.body.nextCursor}`, undefined, bearer(p.admin.token));
    expect(misused.status).toBe(400);
    expect(misused.body.type).toBe('/problems/invalid-cursor');
    const foreign = await stack.http('GET', `/v1/customers?q=wind&limit=5&cursor=${first.body.nextCursor}`, undefined, bearer(other.admin.token));
    expect(foreign.status).toBe(400);
    for (const qs of ['q=a', 'q=%20%20a%20', 'limit=101', 'limit=0', 'limit=ten', 'status=happy', 'sku=lower-case']) {
      const res = await stack.http('GET', `/v1/customers?${qs}`, undefined, bearer(p.admin.token));
      expect({ qs, status: res.status }).toEqual({ qs, status: 400 });
    }
  });
  it('stays whole when writers take turns (two workers, or one restarted): a writer never trusts its copy of pages another wrote since', async () => {
    const a = stack.directory; // holds its copy of what it wrote while seeding
    const b = new CustomerDirectory(stack.connection);
    const entry = (customerId: string, name: string, status: 'trial' | 'active' | 'suspended') => ({
      partnerId: p.id,
      customerId,
      name,
      domain: `${customerId}.turns.example`,
      cloud: 'global',
      status,
      stage: status,
      skus: ['BUS-STD'],
      at: new Date(),
    });
    const id = (n: number) => `cus_turns_${n}_${randomBytes(3).toString('hex')}`;
    const [x, y, z] = [id(1), id(2), id(3)];
    await a.apply(p.id, [entry(x, 'Kestrel Turns One', 'trial')]);
    await b.apply(p.id, [entry(y, 'Kestrel Turns Two', 'active'), entry(x, 'Kestrel Turns One', 'suspended')]);
    await a.apply(p.id, [entry(z, 'Kestrel Turns Three', 'trial')]); // its copy of the "kes" pages predates b's write
    expect(await all({ q: 'kestrel turns' })).toEqual([z, y, x]);
    expect(await all({ q: 'kestrel turns', status: 'suspended' })).toEqual([x]);
    expect(await all({ q: 'kestrel turns', status: 'trial' })).toEqual([z]);
    await b.apply(p.id, [entry(z, 'Kestrel Turns Three', 'active')]);
    await a.apply(p.id, [entry(y, 'Kestrel Turns Two', 'suspended')]);
    expect(await all({ q: 'kestrel turns', status: 'suspended' })).toEqual([y, x]);
    expect(await all({ q: 'kestrel turns', status: 'active' })).toEqual([z]);
  });
  it('reads no page of a term the partner never had, and reads them all for a directory from before its vocabulary', async () => {
    const [fresh, legacy] = await Promise.all([createPartner(stack), createPartner(stack)]);
    const entry = (partnerId: string, customerId: string, name: string) => ({
      partnerId,
      customerId,
      name,
      domain: `${customerId}.vocab.example`,
      cloud: 'global',
      status: 'trial' as const,
      stage: 'trial',
      skus: ['BUS-STD'],
      at: new Date(),
    });
    const pageReads = async (partnerId: string, apply: (d: CustomerDirectory) => Promise<unknown>) => {
      const d = new CustomerDirectory(stack.connection); // no copy of earlier batches: every read is visible
      const read: string[] = [];
      const get = d.index.get.bind(d.index);
      d.index.get = (id: string) => (read.push(id), get(id));
      await apply(d);
      return read.filter((id) => id.startsWith(`p|${partnerId}|g:`) || id.startsWith(`t|${partnerId}|g:`));
    };
    for (const partner of [fresh, legacy]) await stack.directory.apply(partner.id, [entry(partner.id, 'cus_vocab_1', 'Harrier Mills')]);
    // A directory written before the vocabulary existed has none.
    await new CustomerDirectory(stack.connection).index.write([], [`v|${legacy.id}`]);

    // "Osprey" shares no piece with "Harrier Mills"; "mil" is the only piece the partner had.
    const freshReads = await pageReads(fresh.id, (d) => d.apply(fresh.id, [entry(fresh.id, 'cus_vocab_2', 'Osprey Mills')]));
    expect(freshReads.filter((id) => id.includes('|g:osp|'))).toEqual([]);
    expect(freshReads.some((id) => id.includes('|g:mil|'))).toBe(true);
    const legacyReads = await pageReads(legacy.id, (d) => d.apply(legacy.id, [entry(legacy.id, 'cus_vocab_2', 'Osprey Mills')]));
    expect(legacyReads.some((id) => id.includes('|g:osp|'))).toBe(true);

    for (const partner of [fresh, legacy]) {
      for (const q of ['mills', 'osprey', 'harrier', 'vocab']) {
        const found = await stack.directory.search(partner.id, { q }, 10);
        const expected = { mills: ['cus_vocab_2', 'cus_vocab_1'], osprey: ['cus_vocab_2'], harrier: ['cus_vocab_1'], vocab: ['cus_vocab_2', 'cus_vocab_1'] }[q];
        expect({ q, found: found.items.map((c) => c.customerId) }).toEqual({ q, found: expected });
      }
    }
  });
});
