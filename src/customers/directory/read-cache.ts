import type { ShardedCollection } from '../../db/sharded';
import type { IndexDoc } from './model';

/** Where a partner's directory stands: the count of batches written, and the last one's id. */
export interface Change {
  change: number;
  generation: string;
}

/**
 * The change log: each batch's number, id and the documents it writes or deletes (as
 * `changedId`; null when too many to list), the last CHANGE_LOG_KEEP batches, oldest first.
 */
export type ChangeLog = Array<[change: number, generation: string, ids: string[] | null]>;

export const CHANGE_LOG_KEEP = 16;
/**
 * The documents the log lists at most, over all its batches (a batch of more is logged as
 * changing everything, and a reader then drops what it holds of the partner): the log is
 * rewritten by every batch, and read by every API process after one.
 */
export const CHANGE_LOG_MAX_IDS = 2000;

export const changedId = (collection: ShardedCollection<IndexDoc>, id: string) => `${collection.name}:${id}`;

/**
 * The change log with this batch's entry (added to an entry of the same number a failed
 * attempt left): the last batches, at most CHANGE_LOG_KEEP and CHANGE_LOG_MAX_IDS documents.
 */
export function withBatch(log: ChangeLog, change: number, generation: string, changedIds: string[]): ChangeLog {
  const earlier = log.find(([c]) => c === change);
  const all = earlier && earlier[2] === null ? null : [...new Set([...(earlier?.[2] ?? []), ...changedIds])];
  const entries: ChangeLog = [...log.filter(([c]) => c < change), [change, generation, all && all.length <= CHANGE_LOG_MAX_IDS ? all : null]];
  let listed = 0;
  let from = entries.length;
  while (from > 0 && entries.length - from < CHANGE_LOG_KEEP && (listed += entries[from - 1]![2]?.length ?? 0) <= CHANGE_LOG_MAX_IDS) from--;
  return entries.slice(Math.min(from, entries.length - 1));
}

interface PartnerState extends Change {
  /** Bumped by every eviction: a read that began before it must not be held. */
  epoch: number;
}

/**
 * The directory documents the API read, held between requests so that a list or a
 * search reads the database for little more than the partner's meta document
 * (FerretDB charges a few milliseconds a command, and a search reads dozens).
 *
 * Always checked against the database: every read first syncs with the partner's
 * meta document. When it names the batch held, everything held is current; when
 * newer batches were written, the change log (written before any document of its
 * batch) says which documents they touched, and only those are read again; when
 * the log cannot tell (too far behind, an unknown batch, a directory rewritten by
 * hand) everything held for the partner is dropped. Bounded by the characters it
 * holds, least recently used first out; `maxChars` 0 holds nothing.
 */
export class ReadCache {
  private readonly entries = new Map<string, IndexDoc | null>();
  private readonly partners = new Map<string, PartnerState>();
  private chars = 0;
  private epochs = 0;

  constructor(readonly maxChars: number) {}

  get enabled(): boolean {
    return this.maxChars > 0;
  }

  /**
   * Brings what is held for a partner up to its meta document (`at`: undefined for a
   * directory written before change numbers, which is never held), reading the
   * change log only when batches were written since.
   */
  async sync(partnerId: string, at: Change | undefined, readLog: () => Promise<ChangeLog>): Promise<void> {
    if (!this.enabled) return;
    const held = this.partners.get(partnerId);
    if (held && at && held.change === at.change && held.generation === at.generation) return;
    const behind = held && at && at.change > held.change && at.change - held.change < CHANGE_LOG_KEEP;
    const evict = behind ? evictionsBetween(held, at, await readLog()) : undefined;
    const now = this.partners.get(partnerId);
    if (now !== held && now && at && now.change >= at.change) return; // a sync that ran meanwhile went as far
    const epoch = ++this.epochs;
    if (evict) for (const id of evict) this.drop(key(partnerId, id));
    else if (now) for (const k of [...this.entries.keys()]) if (k.startsWith(key(partnerId, ''))) this.drop(k); // (nothing is held without a state)
    if (at) this.partners.set(partnerId, { change: at.change, generation: at.generation, epoch });
    else this.partners.delete(partnerId);
  }

  /** Reads ids through the cache (after `sync`): held entries answer, the others are read and held. */
  async getMany(partnerId: string, collection: ShardedCollection<IndexDoc>, ids: Iterable<string>): Promise<Map<string, IndexDoc>> {
    const state = this.partners.get(partnerId);
    if (!state) return collection.getMany(ids);
    const found = new Map<string, IndexDoc>();
    const missing: string[] = [];
    for (const id of new Set(ids)) {
      const k = key(partnerId, changedId(collection, id));
      if (this.entries.has(k)) {
        const doc = this.entries.get(k)!;
        this.entries.delete(k);
        this.entries.set(k, doc);
        if (doc) found.set(id, doc);
      } else missing.push(id);
    }
    if (missing.length === 0) return found;
    const epoch = state.epoch;
    const read = await collection.getMany(missing);
    // Held only if no eviction ran for the partner during the read (it may have been for one of these).
    const hold = this.partners.get(partnerId)?.epoch === epoch;
    for (const id of missing) {
      const doc = read.get(id) ?? null;
      if (doc) found.set(id, doc);
      if (hold) this.put(key(partnerId, changedId(collection, id)), doc);
    }
    return found;
  }

  private drop(k: string): void {
    if (!this.entries.has(k)) return;
    this.chars -= sizeOf(k, this.entries.get(k)!);
    this.entries.delete(k);
  }

  private put(k: string, doc: IndexDoc | null): void {
    this.drop(k);
    this.entries.set(k, doc);
    this.chars += sizeOf(k, doc);
    for (const [oldest, o] of this.entries) {
      if (this.chars <= this.maxChars) break;
      this.entries.delete(oldest);
      this.chars -= sizeOf(oldest, o);
    }
  }
}

/**
 * The documents batches after `held` up to `at` changed, or undefined when the log does not
 * prove that `at` was built on `held` (each batch in between logged, the first on top of ours).
 */
function evictionsBetween(held: Change, at: Change, log: ChangeLog): Set<string> | undefined {
  const byChange = new Map(log.map((e) => [e[0], e]));
  if (byChange.get(held.change)?.[1] !== held.generation || byChange.get(at.change)?.[1] !== at.generation) return undefined;
  const ids = new Set<string>();
  for (let c = held.change + 1; c <= at.change; c++) {
    const entry = byChange.get(c);
    if (!entry || entry[2] === null) return undefined;
    for (const id of entry[2]) ids.add(id);
  }
  return ids;
}

const key = (partnerId: string, id: string) => `${partnerId}\u0000${id}`;
const sizeOf = (k: string, doc: IndexDoc | null) => k.length + (doc?.v.length ?? 0) + 32;
