import type { Model } from 'mongoose';

/** True when `err` is MongoDB's (and FerretDB's) duplicate-key error, E11000. */
export const isDuplicateKey = (err: unknown): boolean => (err as { code?: number } | undefined)?.code === 11000;

/**
 * Inserts `doc` unless a document with its `_id` (or another unique key) exists:
 * the idempotent write of a record keyed deterministically. True when this call
 * inserted it, false when it was there already.
 */
export async function insertOnce<T>(model: Model<T>, doc: Partial<T>): Promise<boolean> {
  try {
    await model.create(doc);
    return true;
  } catch (err) {
    if (isDuplicateKey(err)) return false;
    throw err;
  }
}
