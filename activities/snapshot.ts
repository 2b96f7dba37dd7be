import type { Model } from 'mongoose';

/**
 * Writes a workflow's snapshot of one record, idempotently and in order: the
 * document is upserted only if the stored `revision` is older. Running the same
 * activity twice changes nothing, and a late retry of an older revision cannot
 * overwrite a newer one (its upsert hits the existing _id and is dropped).
 *
 * Returns true when this call wrote, false when a same-or-newer revision was there.
 */
export async function saveSnapshot<T extends { revision: number }>(
  model: Model<any>,
  id: string,
  snapshot: T,
): Promise<boolean> {
  try {
    const res = await model.updateOne(
      { _id: id, revision: { $lt: snapshot.revision } },
      { $set: snapshot },
      { upsert: true, runValidators: true },
    );
    return res.modifiedCount + res.upsertedCount > 0;
  } catch (err) {
    if ((err as { code?: number }).code !== 11000) throw err;
    // Duplicate key: either the _id exists with a newer-or-equal revision (a stale
    // write, safely dropped) or another unique key collides (a real error).
    const stored = await model.findById(id, { revision: 1 }).lean<{ revision?: number }>();
    if (stored && (stored.revision ?? 0) >= snapshot.revision) return false;
    throw err;
  }
}
