import type { Model } from 'mongoose';

/**
 * The document with this `_id` if it belongs to `owner` (every field equal: the
 * caller's partner, customer, …), else null.
 *
 * Selected by `_id` alone and checked here: FerretDB answers exactly `{_id: x}`
 * inside SQLite, but any further field makes it read and decode the whole
 * collection. On MongoDB both are one index lookup.
 */
export async function findOwned<T extends { _id: string }>(model: Model<T>, id: string, owner: Partial<Record<keyof T, string>>): Promise<T | null> {
  const doc = (await model.findById(id).lean()) as T | null;
  if (!doc) return null;
  for (const [field, value] of Object.entries(owner)) if ((doc as Record<string, unknown>)[field] !== value) return null;
  return doc;
}
