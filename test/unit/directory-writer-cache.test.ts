import type { ShardedCollection } from '../../src/db/sharded';
import type { IndexDoc } from '../../src/customers/directory/model';
import { WriterCache } from '../../src/customers/directory/writer-cache';

/** A stand-in collection that counts the ids it is asked for. */
function collection(docs: Record<string, string>) {
  const asked: string[] = [];
  const c = {
    name: 'stub',
    async getMany(ids: Iterable<string>) {
      const found = new Map<string, IndexDoc>();
      for (const id of ids) {
        asked.push(id);
        if (docs[id] !== undefined) found.set(id, { _id: id, v: docs[id]! });
      }
      return found;
    },
  };
  return { c: c as unknown as ShardedCollection<IndexDoc>, asked, docs };
}

describe("the directory writer's cache", () => {
  it('answers from what the last batch read or wrote while the meta document carries its generation', async () => {
    const { c, asked } = collection({ a: '1' });
    const cache = new WriterCache();
    cache.begin('p', undefined);
    expect([...(await cache.getMany('p', c, ['a', 'b'])).keys()]).toEqual(['a']);
    cache.commit('p', 'g1', [{ collection: c, written: [{ _id: 'c', v: '3' }] }]);
    cache.begin('p', 'g1');
    const again = await cache.getMany('p', c, ['a', 'b', 'c']);
    expect(Object.fromEntries([...again].map(([k, d]) => [k, d.v]))).toEqual({ a: '1', c: '3' });
    expect(asked).toEqual(['a', 'b']); // b is known to be absent; nothing read twice
  });

  it('reads everything again when another writer wrote since, or after a failed batch', async () => {
    const { c, asked, docs } = collection({ a: '1' });
    const cache = new WriterCache();
    cache.begin('p', undefined);
    await cache.getMany('p', c, ['a']);
    cache.commit('p', 'g1', []);
    docs.a = '2'; // another writer, which left generation g2
    cache.begin('p', 'g2');
    expect((await cache.getMany('p', c, ['a'])).get('a')?.v).toBe('2');
    cache.forget('p'); // this batch failed part-way
    cache.begin('p', 'g2');
    await cache.getMany('p', c, ['a']);
    expect(asked).toEqual(['a', 'a', 'a']);
  });

  it('keeps partners apart and stays within its size, least recently used out first', async () => {
    const { c, asked } = collection({ a: 'x'.repeat(100), b: 'y'.repeat(100), k: 'z' });
    const cache = new WriterCache(400);
    cache.begin('p', undefined);
    cache.begin('q', undefined);
    await cache.getMany('p', c, ['a', 'b']);
    await cache.getMany('q', c, ['k']);
    await cache.getMany('p', c, ['k']); // another partner's entry is not shared
    expect(asked).toEqual(['a', 'b', 'k', 'k']);
    await cache.getMany('p', c, ['a']); // held: a is now the most recent
    expect(asked).toHaveLength(4);
    cache.commit('p', 'g1', [{ collection: c, written: [{ _id: 'big', v: 'w'.repeat(150) }] }]); // over 400: b and q's k go
    cache.begin('p', 'g1');
    await cache.getMany('p', c, ['a', 'big', 'b']);
    expect(asked.slice(4)).toEqual(['b']);
  });
});
