import { randomBytes } from 'node:crypto';
import { fakeCustomer, prng, type FakeCustomer } from '../../bench/fake-customers';
import { CustomerDirectory, type SearchFilter } from '../../src/customers/directory/directory';
import { matches } from '../../src/customers/directory/terms';
import { directoryInput } from '../support/directory';
import { createPartner, type TestPartner } from '../support/partners';
import { startTestStack, type TestStack } from '../support/stack';

/**
 * Pieces of names and domains that most customers have (the ".onmicrosoft.com" ones) stop being
 * indexed once the partner has enough customers: their lists are gone, new customers do not write
 * them, and every search still finds exactly what a brute-force check finds.
 */
let stack: TestStack;
let p: TestPartner;
let directory: CustomerDirectory;
const seeded: Array<FakeCustomer & { customerId: string; seq: number }> = [];
const rand = prng(5);
const at = new Date('2026-01-01T00:00:00Z');

/** The next `n` customers, as one batch of the writer. */
function next(n: number) {
  const batch = Array.from({ length: n }, () => {
    const seq = seeded.length;
    const c = { ...fakeCustomer(seq, rand), customerId: `cus_stop${seq}_${randomBytes(3).toString('hex')}`, seq };
    seeded.push(c);
    return c;
  });
  return batch.map((c) => directoryInput(p.id, c, 'onboarded', at));
}

async function add(n: number): Promise<void> {
  await directory.apply(p.id, next(n));
}

async function all(filter: SearchFilter): Promise<string[]> {
  const ids: string[] = [];
  let before: number | undefined;
  for (let guard = 0; guard < 200; guard++) {
    const page = await directory.search(p.id, filter, 9, before);
    ids.push(...page.items.map((c) => c.customerId));
    if (page.next === undefined) return ids;
    before = page.next;
  }
  throw new Error('pagination did not end');
}

const oracle = (f: SearchFilter) =>
  seeded
    .filter((c) => matches(c, f))
    .sort((a, b) => b.seq - a.seq)
    .map((c) => c.customerId);

const QUERIES: SearchFilter[] = [
  { q: 'onmicrosoft' },
  { q: 'micro' },
  { q: 'om' },
  { q: 'wind' },
  { q: '7.onmicro' },
  { q: 'soft.com', status: 'trial' },
  { q: 'solar' },
  { status: 'suspended' },
];

beforeAll(async () => {
  stack = await startTestStack({ worker: false });
  p = await createPartner(stack);
  directory = new CustomerDirectory(stack.connection, { stopPiecesFrom: 100 });
}, 60_000);
afterAll(async () => {
  await stack?.stop();
});

describe('pieces most customers have', () => {
  it('are indexed below the threshold, and no longer once it is passed: searches find the same', async () => {
    await add(60);
    expect(await directory.index.get(`t|${p.id}|g:onm`)).not.toBeNull();
    for (const q of QUERIES) expect([q, await all(q)]).toEqual([q, oracle(q)]);

    await add(60); // 120 customers: past the threshold
    const meta = JSON.parse((await directory.index.get(`m|${p.id}`))!.v) as { stopped?: string[] };
    expect(meta.stopped).toEqual(expect.arrayContaining(['g:onm', 'g:mic', 'g:.co', 'g:om']));
    expect(meta.stopped).not.toContain('g:win');
    for (const term of ['g:onm', 'g:om']) {
      expect(await directory.index.get(`t|${p.id}|${term}`)).toBeNull();
      expect(await directory.index.get(`p|${p.id}|${term}|0`)).toBeNull();
    }
    for (const q of QUERIES) expect([q, await all(q)]).toEqual([q, oracle(q)]);

    await add(80); // new customers do not bring the lists back
    expect(await directory.index.get(`p|${p.id}|g:onm|0`)).toBeNull();
    expect(await directory.index.get(`p|${p.id}|g:win|0`)).not.toBeNull();
    for (const q of QUERIES) expect([q, await all(q)]).toEqual([q, oracle(q)]);
  }, 120_000);

  it('a batch that failed after saying a piece is stopped, before deleting its pages: its repeat deletes them', async () => {
    p = await createPartner(stack); // a partner of its own, below the threshold
    seeded.length = 0;
    await add(60);
    const crossing = next(60);
    const write = directory.index.write.bind(directory.index);
    let writes = 0;
    // the change log, then the meta naming the stopped pieces, then the failure
    directory.index.write = async (...args: Parameters<typeof write>) => {
      if (++writes === 3) throw new Error('the writer stopped half-way');
      return write(...args);
    };
    try {
      await expect(directory.apply(p.id, crossing)).rejects.toThrow('half-way');
    } finally {
      directory.index.write = write;
    }
    const meta = async () => JSON.parse((await directory.index.get(`m|${p.id}`))!.v) as { stopped?: string[]; stopping?: string[] };
    expect((await meta()).stopping).toEqual(expect.arrayContaining(['g:onm', 'g:om']));
    expect(await directory.index.get(`p|${p.id}|g:onm|0`)).not.toBeNull(); // left behind

    await directory.apply(p.id, crossing);
    expect(await meta()).toMatchObject({ stopped: expect.arrayContaining(['g:onm', 'g:om']) });
    expect((await meta()).stopping).toBeUndefined();
    for (const term of ['g:onm', 'g:om']) {
      expect(await directory.index.get(`t|${p.id}|${term}`)).toBeNull();
      expect(await directory.index.get(`p|${p.id}|${term}|0`)).toBeNull();
    }
    for (const q of QUERIES) expect([q, await all(q)]).toEqual([q, oracle(q)]);
  }, 120_000);
});
