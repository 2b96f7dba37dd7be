import type { ShardedCollection } from '../../db/sharded';
import type { IndexDoc } from './model';

interface Entry {
  partnerId: string;
  generation: string;
  /** null: known to be absent */
  doc: IndexDoc | null;
}

/**
 * The directory documents this process last read or wrote for each partner, so
 * that the partner's next batch need not read them again (FerretDB charges about
 * a millisecond a command, and a batch touches a hundred pages).
 *
 * Entries hold only while the partner's meta document carries the generation this
 * process wrote last: any other writer (another worker, a failed batch) changes
 * or leaves it unmatched, and the partner's entries are then ignored. Bounded by
 * the characters it holds, least recently used first out.
 */
export class WriterCache {
  private readonly entries = new Map<string, Entry>();
  private readonly generations = new Map<string, string>();
  private chars = 0;
  private batches = 0;

  constructor(private readonly maxChars = 1_000_000) {}

  /** Starts a batch for a partner whose meta document carries `generation` (undefined: never written by a cache holder). */
  begin(partnerId: string, generation: string | undefined): void {
    // Not ours (or not known): start afresh under a token no meta document carries.
    if (generation === undefined || this.generations.get(partnerId) !== generation) this.generations.set(partnerId, `local:${++this.batches}`);
  }

  /** Drops what is held for a partner (a failed batch may have written part of its documents). */
  forget(partnerId: string): void {
    this.generations.delete(partnerId);
  }

  /** Reads ids through the cache: held entries answer, the others are read and then held. */
  async getMany(partnerId: string, collection: ShardedCollection<IndexDoc>, ids: Iterable<string>): Promise<Map<string, IndexDoc>> {
    const generation = this.generations.get(partnerId);
    const found = new Map<string, IndexDoc>();
    const missing: string[] = [];
    for (const id of new Set(ids)) {
      const e = this.entries.get(keyOf(partnerId, collection, id));
      if (generation !== undefined && e && e.generation === generation) {
        this.touch(keyOf(partnerId, collection, id), e);
        if (e.doc) found.set(id, e.doc);
      } else missing.push(id);
    }
    if (missing.length === 0) return found;
    const read = await collection.getMany(missing);
    for (const id of missing) {
      const doc = read.get(id) ?? null;
      if (doc) found.set(id, doc);
      if (generation !== undefined && this.generations.get(partnerId) === generation)
        this.put(keyOf(partnerId, collection, id), { partnerId, generation, doc });
    }
    return found;
  }

  /**
   * Ends a successful batch: the partner's meta now carries `generation`, and
   * these documents were written (or deleted) by it.
   */
  commit(partnerId: string, generation: string, changes: Array<{ collection: ShardedCollection<IndexDoc>; written: IndexDoc[]; deleted?: string[] }>): void {
    const previous = this.generations.get(partnerId);
    if (previous === undefined) return; // forgotten meanwhile: hold nothing
    this.generations.set(partnerId, generation);
    // What was read in this batch and not written is still current: carry it over.
    for (const e of this.entries.values()) if (e.partnerId === partnerId && e.generation === previous) e.generation = generation;
    for (const { collection, written, deleted = [] } of changes) {
      for (const doc of written) this.put(keyOf(partnerId, collection, doc._id), { partnerId, generation, doc });
      for (const id of deleted) this.put(keyOf(partnerId, collection, id), { partnerId, generation, doc: null });
    }
  }

  private touch(id: string, e: Entry): void {
    this.entries.delete(id);
    this.entries.set(id, e);
  }

  private put(id: string, e: Entry): void {
    const old = this.entries.get(id);
    if (old) {
      this.chars -= sizeOf(id, old);
      this.entries.delete(id);
    }
    this.entries.set(id, e);
    this.chars += sizeOf(id, e);
    for (const [oldest, o] of this.entries) {
      if (this.chars <= this.maxChars) break;
      this.entries.delete(oldest);
      this.chars -= sizeOf(oldest, o);
    }
  }
}

const keyOf = (partnerId: string, collection: ShardedCollection<IndexDoc>, id: string) => `${partnerId}\u0000${collection.name}:${id}`;

const sizeOf = (id: string, e: Entry) => id.length + (e.doc?.v.length ?? 0) + 32;
