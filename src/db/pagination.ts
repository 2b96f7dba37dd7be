import { createHash } from 'node:crypto';
import type { Model } from 'mongoose';
import { DomainError } from '../errors';

/**
 * A page's position: where to continue from, bound to the query that produced
 * it (a position of another query is refused, not misapplied). Callers never
 * see it bare: the API signs it for its list, caller and filters
 * (src/api/cursors.ts), which also encodes it for a URL.
 */
export function encodeCursor(position: string | number, query: unknown): string {
  return JSON.stringify({ p: position, q: fingerprint(query) });
}

export function decodeCursor<T extends string | number>(cursor: string | undefined, query: unknown, kind: 'string' | 'number'): T | undefined {
  if (cursor === undefined) return undefined;
  try {
    const parsed = JSON.parse(cursor) as { p?: unknown; q?: unknown };
    if (typeof parsed.p === kind && parsed.q === fingerprint(query)) return parsed.p as T;
  } catch {
    // fall through
  }
  throw new DomainError('invalid-cursor', 'the cursor is not one this API issued for this query; start again without it');
}

function fingerprint(query: unknown): string {
  return createHash('sha256')
    .update(JSON.stringify(query ?? null))
    .digest('base64url')
    .slice(0, 16);
}

export interface Page<T> {
  items: T[];
  nextCursor?: string;
}

export interface PageRequest {
  limit: number;
  cursor?: string;
}

/**
 * One page of `model` by `_id` (keyset pagination, never offsets): ids are
 * time-ordered, so ascending is oldest first. The cursor is bound to `scope`
 * (the partner and the filters), so it cannot be replayed on another query.
 */
export async function pageById<T extends { _id: string }>(
  model: Model<T>,
  filter: Record<string, unknown>,
  opts: PageRequest & { scope: unknown; order: 'oldest-first' | 'newest-first' },
): Promise<Page<T>> {
  const ascending = opts.order === 'oldest-first';
  const from = decodeCursor<string>(opts.cursor, opts.scope, 'string');
  // (a filter on `_id` itself, such as a pattern, holds together with the cursor's bound)
  const own = typeof filter._id === 'object' && filter._id !== null ? (filter._id as Record<string, unknown>) : {};
  const query = from ? { ...filter, _id: { ...own, [ascending ? '$gt' : '$lt']: from } } : filter;
  const docs = (await model
    .find(query)
    .sort({ _id: ascending ? 1 : -1 })
    .limit(opts.limit + 1)
    .lean()) as T[];
  const items = docs.slice(0, opts.limit);
  return { items, nextCursor: docs.length > opts.limit ? encodeCursor(items[items.length - 1]!._id, opts.scope) : undefined };
}
