import type { Model } from 'mongoose';
import { decodeCursor, encodeCursor } from './cursor';

/**
 * One page of `model` by `_id` (keyset pagination, never offsets): ids are
 * time-ordered, so ascending is oldest first. The cursor is bound to `scope`
 * (the partner and the filters), so it cannot be replayed on another query.
 */
export async function pageById<T extends { _id: string }>(
  model: Model<any>,
  filter: Record<string, unknown>,
  opts: { limit: number; cursor?: string; scope: unknown; order: 'oldest-first' | 'newest-first' },
): Promise<{ items: T[]; nextCursor?: string }> {
  const ascending = opts.order === 'oldest-first';
  const from = decodeCursor<string>(opts.cursor, opts.scope, 'string');
  const query = from ? { ...filter, _id: { [ascending ? '$gt' : '$lt']: from } } : filter;
  const docs = await model.find(query).sort({ _id: ascending ? 1 : -1 }).limit(opts.limit + 1).lean<T[]>();
  const items = docs.slice(0, opts.limit);
  return { items, nextCursor: docs.length > opts.limit ? encodeCursor(items[items.length - 1]!._id, opts.scope) : undefined };
}
