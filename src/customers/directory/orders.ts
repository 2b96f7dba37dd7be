/**
 * An ordered list of a partner's customers (by name, or by last activity), kept
 * by the directory's single writer in chunks of neighbouring entries: each chunk
 * one document, named in the order's directory by its id and its lower bound (the
 * chunk holds every key from its bound up to the next chunk's bound). A page of
 * the list reads the directory, then the chunk its cursor falls in and the
 * following ones: two or three reads, whatever the number of customers.
 *
 * Each entry carries the whole customer record, so a page needs nothing else and
 * a filter is checked on the chunk itself. A write reads and rewrites the chunks
 * its changes fall in; a chunk grown past CHUNK_MAX is split, one shrunk below
 * CHUNK_MIN is merged into a neighbour, so a page never walks a run of near-empty
 * chunks. Bounds are the shortest strings that separate two chunks, which keeps
 * the directory small (a few characters per chunk).
 */

export const CHUNK_MAX = 128;
/** A split makes pieces of about this many entries (room to grow before the next split). */
export const CHUNK_SPLIT = 96;
export const CHUNK_MIN = 32;

/** One entry: its sort key (unique: it ends with the customer's sequence number) and its value. */
export type OrderEntry<T> = [key: string, value: T];

export interface OrderDirectory {
  /** The next chunk id to give (base 36). */
  next: number;
  /** In key order: [chunk id, lower bound]; the first bound is always ''. */
  chunks: Array<[id: string, bound: string]>;
}

export const emptyOrderDirectory = (): OrderDirectory => ({ next: 1, chunks: [['0', '']] });

export function decodeOrderDirectory(s: string | undefined): OrderDirectory {
  if (!s) return emptyOrderDirectory();
  const d = JSON.parse(s) as { n: number; c: Array<[string, string]> };
  return { next: d.n, chunks: d.c };
}

export const encodeOrderDirectory = (d: OrderDirectory): string => JSON.stringify({ n: d.next, c: d.chunks });

/** The index of the chunk a key belongs in: the last one whose bound is at most the key. */
export function locateChunk(dir: OrderDirectory, key: string): number {
  let lo = 0;
  let hi = dir.chunks.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (dir.chunks[mid]![1] <= key) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** The shortest prefix of `first` that sorts after `prevLast` (given prevLast < first). */
export function separator(prevLast: string, first: string): string {
  for (let i = 1; i < first.length; i++) {
    const p = first.slice(0, i);
    if (p > prevLast) return p;
  }
  return first;
}

const byKey = <T>(a: OrderEntry<T>, b: OrderEntry<T>) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0);

/** The entries of chunk `i` that lie in its range (a chunk may hold a stale tail after an interrupted split). */
export function inRange<T>(dir: OrderDirectory, i: number, entries: OrderEntry<T>[]): OrderEntry<T>[] {
  const lo = dir.chunks[i]![1];
  const hi = dir.chunks[i + 1]?.[1];
  return entries.filter(([k]) => k >= lo && (hi === undefined || k < hi));
}

export interface OrderPlan<T> {
  directory: OrderDirectory;
  directoryChanged: boolean;
  /**
   * Chunks to write whole, by id, in two groups around the directory: `before` it (new
   * chunks, and chunks whose range stays or grows) and `after` it (chunks whose range
   * shrank in a split), so that at every moment each entry is in the chunk the stored
   * directory routes it to; `deleted` go last.
   */
  before: Map<string, OrderEntry<T>[]>;
  after: Map<string, OrderEntry<T>[]>;
  deleted: string[];
}

interface Slot<T> {
  id: string;
  bound: string;
  entries?: OrderEntry<T>[];
  dirty: boolean;
  /** Split: its range shrank. */
  shrank?: boolean;
}

/**
 * What removing the entries with `removes` keys and adding `adds` does to an order:
 * the chunks to write, the ones to delete and the new directory. `read` loads chunks
 * by id (an absent chunk is empty). Pure apart from `read`.
 */
export async function planOrder<T>(
  dir: OrderDirectory,
  removes: Iterable<string>,
  adds: Iterable<OrderEntry<T>>,
  read: (ids: string[]) => Promise<Map<string, OrderEntry<T>[]>>,
): Promise<OrderPlan<T>> {
  const slots: Array<Slot<T>> = dir.chunks.map(([id, bound]) => ({ id, bound, dirty: false }));
  let next = dir.next;
  let directoryChanged = false;
  const removesBy = new Map<number, Set<string>>();
  const addsBy = new Map<number, Array<OrderEntry<T>>>();
  for (const key of removes) {
    const i = locateChunk(dir, key);
    removesBy.set(i, (removesBy.get(i) ?? new Set()).add(key));
  }
  for (const entry of adds) {
    const i = locateChunk(dir, entry[0]);
    addsBy.set(i, [...(addsBy.get(i) ?? []), entry]);
  }
  const load = async (wanted: Array<Slot<T>>) => {
    const missing = wanted.filter((s) => !s.entries);
    if (missing.length === 0) return;
    const found = await read(missing.map((s) => s.id));
    for (const s of missing)
      s.entries = inRange(
        dir,
        dir.chunks.findIndex(([id]) => id === s.id),
        found.get(s.id) ?? [],
      );
  };
  const touched = [...new Set([...removesBy.keys(), ...addsBy.keys()])].sort((a, b) => a - b);
  await load(touched.map((i) => slots[i]!));
  for (const i of touched) {
    const slot = slots[i]!;
    const added = addsBy.get(i) ?? [];
    const gone = new Set([...(removesBy.get(i) ?? []), ...added.map(([k]) => k)]); // an add replaces an entry of its key
    const kept = slot.entries!.filter(([k]) => !gone.has(k));
    slot.entries = added.length > 0 ? [...kept, ...added].sort(byKey) : kept;
    slot.dirty = true;
  }

  // Splits (from the last, so that indices before stay put).
  for (let i = slots.length - 1; i >= 0; i--) {
    const slot = slots[i]!;
    if (!slot.dirty || slot.entries!.length <= CHUNK_MAX) continue;
    const all = slot.entries!;
    const pieces = Math.ceil(all.length / CHUNK_SPLIT);
    const size = Math.ceil(all.length / pieces);
    const made: Array<Slot<T>> = [];
    for (let k = 0; k < all.length; k += size) {
      const entries = all.slice(k, k + size);
      made.push(
        k === 0
          ? { id: slot.id, bound: slot.bound, entries, dirty: true, shrank: true }
          : { id: (next++).toString(36), bound: separator(all[k - 1]![0], entries[0]![0]), entries, dirty: true },
      );
    }
    slots.splice(i, 1, ...made);
    directoryChanged = true;
  }

  // Underflows: an empty chunk goes, a small one joins a neighbour when both fit in one.
  const deleted: string[] = [];
  const settled = new Set<Slot<T>>();
  for (;;) {
    const i = slots.findIndex((s) => s.dirty && s.entries!.length < CHUNK_MIN && slots.length > 1 && !settled.has(s));
    if (i < 0) break;
    const slot = slots[i]!;
    if (slot.entries!.length === 0) {
      slots.splice(i, 1);
      deleted.push(slot.id);
      if (i === 0) slots[0]!.bound = '';
      directoryChanged = true;
      continue;
    }
    const j = i > 0 ? i - 1 : i + 1;
    await load([slots[j]!]);
    const [lo, hi] = i < j ? [slot, slots[j]!] : [slots[j]!, slot];
    // A neighbour nearly full holds enough for the pair; one just split is written after the directory, too late to take more.
    if (lo.entries!.length + hi.entries!.length > CHUNK_MAX || lo.shrank) {
      settled.add(slot);
      continue;
    }
    lo.entries = [...lo.entries!, ...hi.entries!];
    lo.dirty = true;
    slots.splice(slots.indexOf(hi), 1);
    deleted.push(hi.id);
    directoryChanged = true;
  }

  const before = new Map<string, OrderEntry<T>[]>();
  const after = new Map<string, OrderEntry<T>[]>();
  for (const s of slots) if (s.dirty) (s.shrank ? after : before).set(s.id, s.entries!);
  return {
    directory: { next, chunks: slots.map((s) => [s.id, s.bound]) },
    directoryChanged: directoryChanged || next !== dir.next,
    before,
    after,
    deleted: deleted.filter((id) => !before.has(id) && !after.has(id)),
  };
}
