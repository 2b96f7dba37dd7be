import { randomBytes } from 'node:crypto';
import { fakeCustomer, prng, type FakeCustomer } from '../../bench/fake-customers';
import { CustomerDirectory, type PartnerCustomerInput, type SearchFilter } from '../../src/customers/directory/directory';
import type { CustomerSort } from '../../src/customers/directory/model';
import { directoryInput } from '../support/directory';
import { createPartner, type TestPartner } from '../support/partners';
import { eventually, startTestStack, type TestStack } from '../support/stack';

/**
 * The API's read cache against a directory that changes under it: after every batch, and after
 * batches that failed half-way and were repeated, a reader that holds what it read answers every
 * list, search and lookup exactly as a reader that holds nothing.
 */
let stack: TestStack;
let p: TestPartner;
let writer: CustomerDirectory;
let cached: CustomerDirectory;
let plain: CustomerDirectory;
const customers: Array<FakeCustomer & { customerId: string; stage: string }> = [];
const rand = prng(11);
let clock = Date.parse('2026-01-01T00:00:00Z');

const QUERIES: Array<[SearchFilter, CustomerSort]> = [
  [{}, 'newest'],
  [{ q: 'wind' }, 'newest'],
  [{ q: 'sol' }, 'newest'],
  [{ q: 'kestrel' }, 'newest'],
  [{ status: 'suspended' }, 'newest'],
  [{ q: 'on', status: 'active' }, 'newest'],
  [{ sku: 'BUS-STD' }, 'newest'],
  [{ stage: 'purchased' }, 'newest'],
  [{}, 'name'],
  [{}, 'lastActivity'],
  [{ q: 'ar' }, 'name'],
  [{ stage: 'trial' }, 'lastActivity'],
];

async function listAll(d: CustomerDirectory, filter: SearchFilter, sort: CustomerSort): Promise<string[]> {
  const out: string[] = [];
  let before: number | undefined;
  let after: string | undefined;
  for (let guard = 0; guard < 100; guard++) {
    const page = sort === 'newest' ? await d.search(p.id, filter, 7, before) : await d.searchOrdered(p.id, sort, filter, 7, after);
    out.push(...page.items.map((c) => `${c.customerId}:${c.name}:${c.status}`));
    if (page.next === undefined) return out;
    if (typeof page.next === 'number') before = page.next;
    else after = page.next;
  }
  throw new Error('pagination did not end');
}

/** Every query's whole answer, and each customer as read by id. */
async function answers(d: CustomerDirectory) {
  const lists = [];
  for (const [filter, sort] of QUERIES) lists.push([filter, sort, await listAll(d, filter, sort)]);
  const each = await Promise.all(customers.map(async (c) => (await d.get(p.id, c.customerId))?.name ?? null));
  return { lists, each };
}

const input = (c: (typeof customers)[number]): PartnerCustomerInput => directoryInput(p.id, c, c.stage, new Date((clock += 1000)));

function newCustomers(n: number) {
  return Array.from({ length: n }, () => {
    const c = { ...fakeCustomer(customers.length, rand), customerId: `cus_rc${customers.length}_${randomBytes(3).toString('hex')}`, stage: 'trial' };
    customers.push(c);
    return c;
  });
}

/** A batch of changes: a few new customers, renamed ones, others moving on. */
function changes(): PartnerCustomerInput[] {
  const pick = () => customers[Math.floor(rand() * customers.length)]!;
  const renamed = [pick(), pick()];
  renamed.forEach((c, i) => (c.name = `Kestrel ${i} ${c.name.split(' ')[0]}`));
  const moved = [pick(), pick(), pick()];
  moved.forEach((c) => Object.assign(c, { stage: 'purchased', status: rand() < 0.5 ? 'suspended' : 'active' }));
  return [...newCustomers(3), ...renamed, ...moved].map(input);
}

/** Makes the writer's `n`th document write from now fail (its earlier writes of the batch have landed). */
function failAtWrite(n: number): void {
  let left = n;
  for (const collection of [writer.index, writer.orders, writer.seqs, writer.records]) {
    const write = collection.write.bind(collection);
    collection.write = async (...args: Parameters<typeof write>) => {
      if (--left === 0) throw new Error('the writer stopped half-way');
      return write(...args);
    };
  }
}

beforeAll(async () => {
  stack = await startTestStack({ worker: false });
  p = await createPartner(stack);
  writer = new CustomerDirectory(stack.connection);
  cached = new CustomerDirectory(stack.connection, { readCacheChars: 8 * 2 ** 20 });
  plain = new CustomerDirectory(stack.connection);
  await writer.apply(p.id, newCustomers(120).map(input));
}, 60_000);
afterAll(async () => {
  await stack?.stop();
});

describe("the API's directory read cache", () => {
  it('answers as the database does after each batch, reading the documents they changed again', async () => {
    expect(await answers(cached)).toEqual(await answers(plain));
    for (let round = 0; round < 4; round++) {
      await writer.apply(p.id, changes());
      expect(await answers(cached)).toEqual(await answers(plain));
    }
    // most reads answered from what it held
    const read: string[] = [];
    for (const collection of [cached.index, cached.records, cached.orders, cached.seqs]) {
      const getMany = collection.getMany.bind(collection);
      collection.getMany = (docIds: Iterable<string>) => (read.push(...docIds), getMany(docIds));
    }
    await answers(cached);
    expect(read).toEqual([]);
    await writer.apply(p.id, changes());
    await answers(cached);
    expect(read.length).toBeGreaterThan(0);
    expect(read.length).toBeLessThan(200);
  }, 120_000);

  it.each([1, 3, 5, 8, 11])(
    'answers as the database does after a batch that failed at its write %i and was repeated',
    async (n) => {
      const batch = changes();
      const writes = { index: writer.index.write, orders: writer.orders.write, seqs: writer.seqs.write, records: writer.records.write };
      failAtWrite(n);
      await expect(writer.apply(p.id, batch)).rejects.toThrow('half-way');
      Object.assign(writer.index, { write: writes.index });
      Object.assign(writer.orders, { write: writes.orders });
      Object.assign(writer.seqs, { write: writes.seqs });
      Object.assign(writer.records, { write: writes.records });
      await answers(cached); // reads, and holds, whatever the failed batch left
      await writer.apply(p.id, batch);
      expect(await answers(cached)).toEqual(await answers(plain));
    },
    120_000,
  );

  it("loads the partner's records (and a searched order's chunks) in the background after a text search: later ones read none", async () => {
    const d = new CustomerDirectory(stack.connection, { readCacheChars: 8 * 2 ** 20 });
    const read = { records: [] as string[], orders: [] as string[] };
    for (const kind of ['records', 'orders'] as const) {
      const getMany = d[kind].getMany.bind(d[kind]);
      d[kind].getMany = (docIds: Iterable<string>) => (read[kind].push(...docIds), getMany(docIds));
    }
    await d.search(p.id, { q: 'wind' }, 7);
    await d.searchOrdered(p.id, 'name', { q: 'sol' }, 7);
    const blocks = Math.ceil(customers.length / 32);
    await eventually(async () => new Set(read.records).size === blocks, 10_000, 'every record block read');
    await eventually(async () => new Set(read.orders.filter((id) => id.startsWith(`oc|${p.id}|name|`))).size > 1, 10_000, 'the name order read');
    await new Promise((r) => setTimeout(r, 500));
    read.records.length = 0;
    read.orders.length = 0;
    expect(await listAll(d, { q: 'ar' }, 'newest')).toEqual(await listAll(plain, { q: 'ar' }, 'newest'));
    expect(await listAll(d, { q: 'on' }, 'name')).toEqual(await listAll(plain, { q: 'on' }, 'name'));
    expect(read).toEqual({ records: [], orders: [] });
  }, 60_000);
});
