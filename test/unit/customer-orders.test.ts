import { combineFacts, heldFactsOf, withFacts } from '../../src/customers/directory/facts';
import {
  CHUNK_MAX,
  CHUNK_MIN,
  emptyOrderDirectory,
  inRange,
  locateChunk,
  planOrder,
  separator,
  type OrderDirectory,
  type OrderEntry,
} from '../../src/customers/directory/orders';
import { matches, termsOf } from '../../src/customers/directory/terms';
import { prng } from '../../bench/fake-customers';

/** An order kept in memory as the directory keeps it in documents (applying each plan in its order of writes). */
class MemoryOrder {
  dir: OrderDirectory = emptyOrderDirectory();
  chunks = new Map<string, Array<OrderEntry<number>>>();
  reads = 0;

  async apply(removes: string[], adds: Array<OrderEntry<number>>) {
    const plan = await planOrder<number>(this.dir, removes, adds, async (ids) => {
      this.reads += ids.length;
      return new Map(ids.flatMap((id) => (this.chunks.has(id) ? [[id, this.chunks.get(id)!]] : [])));
    });
    for (const [id, e] of plan.before) this.chunks.set(id, e);
    this.dir = plan.directory;
    for (const [id, e] of plan.after) this.chunks.set(id, e);
    for (const id of plan.deleted) this.chunks.delete(id);
  }

  all(): string[] {
    return this.dir.chunks.flatMap(([id], i) => inRange(this.dir, i, this.chunks.get(id) ?? []).map(([k]) => k));
  }
}

describe('an order kept in chunks', () => {
  it('locates keys by lower bound, and separates chunks by the shortest prefix', () => {
    const dir: OrderDirectory = {
      next: 3,
      chunks: [
        ['0', ''],
        ['1', 'f'],
        ['2', 'm'],
      ],
    };
    expect(['a', 'f', 'ez', 'fa', 'm', 'zz'].map((k) => locateChunk(dir, k))).toEqual([0, 1, 0, 1, 2, 2]);
    expect(separator('northwind', 'nozzle')).toBe('noz');
    expect(separator('abc', 'abcd')).toBe('abcd');
    expect(separator('a', 'b')).toBe('b');
  });

  it('stays sorted, whole and within its chunk sizes through inserts, moves and removals (against a sorted array)', async () => {
    const rand = prng(3);
    const order = new MemoryOrder();
    const truth = new Map<number, string>(); // value → key
    const key = (v: number) =>
      `${Math.floor(rand() * 1e6)
        .toString(36)
        .padStart(4, '0')}|${v.toString(36).padStart(6, '0')}`;
    await order.apply(
      [],
      Array.from({ length: 3000 }, (_, v) => {
        const k = key(v);
        truth.set(v, k);
        return [k, v] as OrderEntry<number>;
      }),
    );
    for (let round = 0; round < 60; round++) {
      const removes: string[] = [];
      const adds: Array<OrderEntry<number>> = [];
      const touched = new Set<number>();
      for (let n = 0; n < 1 + Math.floor(rand() * 80); n++) {
        const v = Math.floor(rand() * 3400);
        if (touched.has(v)) continue;
        touched.add(v);
        const old = truth.get(v);
        const r = rand();
        if (old !== undefined) removes.push(old);
        if (r < 0.15 && old !== undefined) {
          truth.delete(v); // leaves
        } else {
          // moves (a new key: a rename, new activity) or comes; sometimes to the very front, as activity does
          const k = r < 0.5 ? `0000|${(100000 - round * 100 - n).toString(36)}${v.toString(36).padStart(6, '0')}` : key(v);
          truth.set(v, k);
          adds.push([k, v]);
        }
      }
      await order.apply(removes, adds);
      const expected = [...truth.values()].sort();
      expect(order.all()).toEqual(expected);
      const sizes = order.dir.chunks.map(([id]) => order.chunks.get(id)?.length ?? 0);
      expect(Math.max(...sizes)).toBeLessThanOrEqual(CHUNK_MAX);
      // no run of small chunks: any two neighbours hold more than CHUNK_MIN together
      for (let i = 0; i + 1 < sizes.length; i++) expect(sizes[i]! + sizes[i + 1]!).toBeGreaterThanOrEqual(CHUNK_MIN);
      expect(order.dir.chunks[0]![1]).toBe('');
    }
  });

  it('a first batch of many entries is cut into chunks of about the split size', async () => {
    const order = new MemoryOrder();
    await order.apply(
      [],
      Array.from({ length: 1000 }, (_, v) => [`k${v.toString().padStart(5, '0')}`, v] as OrderEntry<number>),
    );
    expect(order.dir.chunks.length).toBe(11);
    expect(order.all()).toHaveLength(1000);
    expect(order.reads).toBe(1);
  });

  it('survives a write interrupted between the directory and the chunks that shrank: entries are not lost nor doubled', async () => {
    const order = new MemoryOrder();
    await order.apply(
      [],
      Array.from({ length: 120 }, (_, v) => [`k${v.toString().padStart(5, '0')}`, v] as OrderEntry<number>),
    );
    const adds = Array.from({ length: 20 }, (_, v) => [`k${(v * 6).toString().padStart(5, '0')}x`, 1000 + v] as OrderEntry<number>);
    // the first attempt writes the new chunks and the directory, then stops
    const plan = await planOrder<number>(order.dir, [], adds, async (ids) => new Map(ids.map((id) => [id, order.chunks.get(id) ?? []])));
    for (const [id, e] of plan.before) order.chunks.set(id, e);
    order.dir = plan.directory;
    // readers see every entry that was there once (the batch's own are partly there until it is retried)
    const between = order.all();
    expect(new Set(between).size).toBe(between.length);
    expect(between.filter((k) => !k.endsWith('x'))).toHaveLength(120);
    await order.apply([], adds); // the retry
    expect(order.all()).toEqual([...new Set([...order.all()])].sort());
    expect(order.all()).toHaveLength(140);
  });
});

describe('customer facts', () => {
  it('keep the newer of each fact whatever the order of arrival, and the latest moment as last activity', () => {
    const a = heldFactsOf({ customerId: 'c', at: new Date('2026-01-02T00:00:00Z'), delegatedAdmin: { state: 'active', endsAt: '2027-01-01T00:00:00.000Z' } });
    const b = heldFactsOf({
      customerId: 'c',
      at: new Date('2026-01-01T00:00:00Z'),
      delegatedAdmin: { state: 'pending' },
      openRequests: { critical: 1, moderate: 0, minimal: 2 },
    });
    for (const merged of [combineFacts(a, b), combineFacts(b, a)]) {
      expect(merged.delegatedAdmin).toEqual({ state: 'active', endsAt: '2027-01-01T00:00:00.000Z', at: '2026-01-02T00:00:00.000Z' });
      expect(merged.openRequests).toEqual({ critical: 1, moderate: 0, minimal: 2, at: '2026-01-01T00:00:00.000Z' });
      expect(merged.lastActivityAt).toBe('2026-01-02T00:00:00.000Z');
    }
    const record: Parameters<typeof withFacts>[0] = { lastActivityAt: new Date('2026-03-01T00:00:00Z') };
    const r = withFacts(record, b);
    expect(r.lastActivityAt.toISOString()).toBe('2026-03-01T00:00:00.000Z'); // an older fact does not move activity back
    expect(r.openRequests?.critical).toBe(1);
  });

  it('are indexed and filtered: delegated-admin state (none by default), open requests (any and each severity), stage', () => {
    const c = { name: 'Fabrikam', domain: 'fabrikam.example', status: 'active', skus: ['BUS-STD'], stage: 'onboarded' };
    expect([...termsOf(c)].filter((t) => !t.startsWith('g:'))).toEqual(['s:active', 'k:BUS-STD', 'st:onboarded', 'da:none']);
    const busy = { ...c, delegatedAdmin: { state: 'expiring' }, openRequests: { critical: 0, moderate: 2, minimal: 0 } };
    expect([...termsOf(busy)].filter((t) => t.startsWith('da:') || t.startsWith('req:'))).toEqual(['da:expiring', 'req:any', 'req:moderate']);
    expect(matches(busy, { openRequests: 'any', delegatedAdmin: 'expiring', stage: 'onboarded' })).toBe(true);
    expect(matches(busy, { openRequests: 'critical' })).toBe(false);
    expect(matches({ ...c, openRequests: { critical: 0, moderate: 0, minimal: 0 } }, { openRequests: 'any' })).toBe(false);
    expect(matches(c, { delegatedAdmin: 'none' })).toBe(true);
  });
});
