import type { ShardedCollection } from '../../src/db/sharded';
import type { IndexDoc } from '../../src/customers/directory/model';
import { CHANGE_LOG_KEEP, CHANGE_LOG_MAX_IDS, ReadCache, withBatch, type ChangeLog } from '../../src/customers/directory/read-cache';

/** A stand-in collection that counts the ids it is asked for; `gate` holds its answers back until opened. */
function collection(docs: Record<string, string>) {
  const asked: string[] = [];
  let gate: Promise<void> | undefined;
  const c = {
    name: 'stub',
    async getMany(ids: Iterable<string>) {
      const wanted = [...ids];
      asked.push(...wanted);
      const found = new Map<string, IndexDoc>();
      for (const id of wanted) if (docs[id] !== undefined) found.set(id, { _id: id, v: docs[id]! });
      await gate;
      return found;
    },
  };
  return {
    c: c as unknown as ShardedCollection<IndexDoc>,
    asked,
    docs,
    hold() {
      let open!: () => void;
      gate = new Promise<void>((r) => (open = r));
      return () => {
        gate = undefined;
        open();
      };
    },
  };
}

const values = (m: Map<string, IndexDoc>) => Object.fromEntries([...m].map(([k, d]) => [k, d.v]));

describe("the API's directory read cache", () => {
  it('answers again from what it read while the meta names the same batch', async () => {
    const { c, asked } = collection({ a: '1' });
    const cache = new ReadCache(1_000_000);
    const noLog = jest.fn(async (): Promise<ChangeLog> => []);
    await cache.sync('p', { change: 1, generation: 'g1' }, noLog);
    expect(values(await cache.getMany('p', c, ['a', 'b']))).toEqual({ a: '1' });
    await cache.sync('p', { change: 1, generation: 'g1' }, noLog);
    expect(values(await cache.getMany('p', c, ['a', 'b']))).toEqual({ a: '1' });
    expect(asked).toEqual(['a', 'b']); // b is known to be absent
    expect(noLog).not.toHaveBeenCalled();
  });

  it('reads again only what the batches since changed, as their log says', async () => {
    const { c, asked, docs } = collection({ a: '1', b: '2', x: 'gone' });
    const cache = new ReadCache(1_000_000);
    await cache.sync('p', { change: 1, generation: 'g1' }, async () => []);
    await cache.getMany('p', c, ['a', 'b', 'x', 'y']);
    Object.assign(docs, { a: '1b', y: 'new' });
    delete docs.x;
    const log: ChangeLog = [
      [1, 'g1', ['stub:b']],
      [2, 'g2', ['stub:a']],
      [3, 'g3', ['stub:x', 'stub:y']],
    ];
    asked.length = 0;
    await cache.sync('p', { change: 3, generation: 'g3' }, async () => log);
    expect(values(await cache.getMany('p', c, ['a', 'b', 'x', 'y']))).toEqual({ a: '1b', b: '2', y: 'new' });
    expect(asked.sort()).toEqual(['a', 'x', 'y']);
  });

  it.each<[string, ChangeLog]>([
    ['the batch it holds is not in the log (the directory was rewritten by other means)', [[2, 'g2', ['stub:a']]]],
    [
      'the log names another batch as the one it holds',
      [
        [1, 'other', []],
        [2, 'g2', ['stub:a']],
      ],
    ],
    [
      'a batch in between is missing',
      [
        [1, 'g1', []],
        [3, 'g3', ['stub:a']],
      ],
    ],
    [
      'a batch changed too much to list',
      [
        [1, 'g1', []],
        [2, 'g2', null],
        [3, 'g3', ['stub:a']],
      ],
    ],
  ])('drops everything it holds of the partner when %s', async (_, log) => {
    const { c, asked } = collection({ a: '1', b: '2' });
    const cache = new ReadCache(1_000_000);
    await cache.sync('p', { change: 1, generation: 'g1' }, async () => []);
    await cache.sync('q', { change: 1, generation: 'g1' }, async () => []);
    await cache.getMany('p', c, ['a', 'b']);
    await cache.getMany('q', c, ['a']);
    asked.length = 0;
    const at = { change: log[log.length - 1]![0], generation: log[log.length - 1]![1] };
    await cache.sync('p', at, async () => log);
    await cache.getMany('p', c, ['a', 'b']);
    await cache.getMany('q', c, ['a']);
    expect(asked).toEqual(['a', 'b']); // the other partner's entries stand
  });

  it('does not read the log when too far behind, nor hold anything of a directory without change numbers', async () => {
    const { c, asked } = collection({ a: '1' });
    const cache = new ReadCache(1_000_000);
    const log = jest.fn(async (): Promise<ChangeLog> => []);
    await cache.sync('p', { change: 1, generation: 'g1' }, log);
    await cache.getMany('p', c, ['a']);
    await cache.sync('p', { change: 1 + CHANGE_LOG_KEEP, generation: 'far' }, log);
    await cache.getMany('p', c, ['a']);
    expect(log).not.toHaveBeenCalled();
    await cache.sync('p', undefined, log);
    await cache.getMany('p', c, ['a']);
    await cache.getMany('p', c, ['a']);
    expect(asked).toEqual(['a', 'a', 'a', 'a']);
  });

  it('never holds a document read while the partner was synced past it', async () => {
    const { c, asked, docs, hold } = collection({ a: 'old' });
    const cache = new ReadCache(1_000_000);
    await cache.sync('p', { change: 1, generation: 'g1' }, async () => []);
    const open = hold();
    const reading = cache.getMany('p', c, ['a']); // answers what the database held before the batch
    docs.a = 'new';
    await cache.sync('p', { change: 2, generation: 'g2' }, async () => [
      [1, 'g1', []],
      [2, 'g2', ['stub:a']],
    ]);
    open();
    expect(values(await reading)).toEqual({ a: 'old' });
    expect(values(await cache.getMany('p', c, ['a']))).toEqual({ a: 'new' });
    expect(asked).toEqual(['a', 'a']);
  });

  it('holds at most its size, least recently used out first; size 0 holds nothing', async () => {
    const { c, asked } = collection({ a: 'x'.repeat(400), b: 'y'.repeat(400), c: 'z'.repeat(400) });
    const cache = new ReadCache(1000);
    await cache.sync('p', { change: 1, generation: 'g1' }, async () => []);
    await cache.getMany('p', c, ['a', 'b']);
    await cache.getMany('p', c, ['a']); // a is now the most recent
    await cache.getMany('p', c, ['c']); // b goes
    asked.length = 0;
    await cache.getMany('p', c, ['a', 'b', 'c']);
    expect(asked).toEqual(['b']);

    const off = new ReadCache(0);
    await off.sync('p', { change: 1, generation: 'g1' }, async () => []);
    asked.length = 0;
    await off.getMany('p', c, ['a']);
    await off.getMany('p', c, ['a']);
    expect(asked).toEqual(['a', 'a']);
  });

  describe('the change log a batch writes before its documents', () => {
    it('adds the batch, keeping the last batches only', () => {
      let log: ChangeLog = [];
      for (let c = 1; c <= CHANGE_LOG_KEEP + 3; c++) log = withBatch(log, c, `g${c}`, [`stub:${c}`]);
      expect(log).toHaveLength(CHANGE_LOG_KEEP);
      expect(log[0]).toEqual([4, 'g4', ['stub:4']]);
      expect(log[log.length - 1]).toEqual([CHANGE_LOG_KEEP + 3, `g${CHANGE_LOG_KEEP + 3}`, [`stub:${CHANGE_LOG_KEEP + 3}`]]);
      // and no more documents than CHANGE_LOG_MAX_IDS over all of them
      const big = (c: number) => Array.from({ length: CHANGE_LOG_MAX_IDS * 0.4 }, (_, i) => `stub:${c}.${i}`);
      for (let c = CHANGE_LOG_KEEP + 4; c <= CHANGE_LOG_KEEP + 6; c++) log = withBatch(log, c, `g${c}`, big(c));
      expect(log.map(([c]) => c)).toEqual([CHANGE_LOG_KEEP + 5, CHANGE_LOG_KEEP + 6]);
    });

    it('a repeat of a failed batch adds to its entry: what the failed attempt wrote stays listed', () => {
      const failed = withBatch([[1, 'g1', ['stub:a']]], 2, 'attempt-1', ['stub:b', 'stub:c']);
      expect(withBatch(failed, 2, 'attempt-2', ['stub:b', 'stub:d'])).toEqual([
        [1, 'g1', ['stub:a']],
        [2, 'attempt-2', ['stub:b', 'stub:c', 'stub:d']],
      ]);
      // entries past the batch (a directory rewritten by other means) go
      expect(withBatch([...failed, [3, 'g3', []]], 2, 'again', [])).toEqual([
        [1, 'g1', ['stub:a']],
        [2, 'again', ['stub:b', 'stub:c']],
      ]);
    });

    it('a batch of too many documents is logged as changing everything, and stays so when repeated', () => {
      const many = Array.from({ length: CHANGE_LOG_MAX_IDS + 1 }, (_, i) => `stub:${i}`);
      const log = withBatch([], 1, 'g1', many);
      expect(log).toEqual([[1, 'g1', null]]);
      expect(withBatch(log, 1, 'g1b', ['stub:x'])).toEqual([[1, 'g1b', null]]);
    });
  });
});
