/**
 * Posting lists: the sequence numbers of the customers listed under a term,
 * kept sorted and cut into pages of a fixed span of sequence numbers, so that a
 * customer's entry always lives in page floor(seq / PAGE_SPAN).
 * Encoded as strings (base-36, comma-separated): one string is far cheaper for
 * the database to read than thousands of array elements.
 */

export const PAGE_SPAN = 65536;

export const pageOf = (seq: number): number => Math.floor(seq / PAGE_SPAN);

export function decodeSeqs(s: string | undefined): number[] {
  if (!s) return [];
  return s.split(',').map((x) => parseInt(x, 36));
}

export function encodeSeqs(seqs: number[]): string {
  return seqs.map((n) => n.toString(36)).join(',');
}

/** A term's directory: how many entries each non-empty page holds. */
export function decodeDirectory(s: string | undefined): Map<number, number> {
  const pages = new Map<number, number>();
  if (!s) return pages;
  for (const part of s.split(',')) {
    const [page, count] = part.split(':');
    pages.set(parseInt(page!, 36), parseInt(count!, 36));
  }
  return pages;
}

/** How many entries a term's directory counts over all its pages. */
export const entriesListed = (pages: Map<number, number>): number => [...pages.values()].reduce((a, b) => a + b, 0);

export function encodeDirectory(pages: Map<number, number>): string {
  return [...pages]
    .filter(([, n]) => n > 0)
    .sort(([a], [b]) => a - b)
    .map(([p, n]) => `${p.toString(36)}:${n.toString(36)}`)
    .join(',');
}

/**
 * Whether a page's count in its term's directory must be rewritten. Directories
 * are for planning a search (which pages exist: exact; how long each list is:
 * roughly), so a page's count is rewritten only when it drifts by more than an
 * eighth (at least 8 entries): most writes then touch the page alone, not its
 * directory too — a read and a write less per term, on a database that charges
 * a millisecond per command.
 */
export function directoryCountStale(inDirectory: number | undefined, actual: number): boolean {
  if (inDirectory === undefined || inDirectory === 0 || actual === 0) return true;
  return Math.abs(actual - inDirectory) > Math.max(8, inDirectory >> 3);
}

/** Adds and removes entries of one sorted list; returns a new sorted list. */
export function applyToSorted(list: number[], add: Iterable<number>, remove: Iterable<number>): number[] {
  const set = new Set(list);
  for (const r of remove) set.delete(r);
  for (const a of add) set.add(a);
  return [...set].sort((a, b) => a - b);
}

/** The entries present in every list (each sorted ascending), in descending order. */
export function intersectDescending(lists: number[][]): number[] {
  if (lists.length === 0) return [];
  const [shortest, ...others] = [...lists].sort((a, b) => a.length - b.length);
  const sets = others.map((l) => new Set(l));
  const out: number[] = [];
  for (let i = shortest!.length - 1; i >= 0; i--) {
    const v = shortest![i]!;
    if (sets.every((s) => s.has(v))) out.push(v);
  }
  return out;
}
