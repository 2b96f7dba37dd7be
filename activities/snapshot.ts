import type { Model } from 'mongoose';

/**
 * Writes a workflow's snapshot of one record, idempotently and in order: the
 * document is written only if the stored `revision` is older. Running the same
 * activity twice changes nothing, and a retry of an older revision that comes
 * after a newer one was written is dropped.
 *
 * Two commands, each selecting by `_id` alone: FerretDB answers exactly
 * `{_id: x}` inside SQLite, but for any other filter (`{_id, revision: {$lt}}`
 * included) it reads and decodes every document of the collection, a cost that
 * grows with the number of subscriptions. The check and the write are apart;
 * each record has one writer (its workflow), which schedules a newer revision
 * only once the older one's activity has completed.
 *
 * A first revision is inserted without the check (one command, and an insert uses
 * the `_id` index where a lookup scans); only if the document exists already (a
 * retry, or a record written before its workflow) does it go the long way.
 *
 * Returns true when this call wrote, false when a same-or-newer revision was there.
 */
export async function saveSnapshot<T extends { revision: number }>(model: Model<any>, id: string, snapshot: T): Promise<boolean> {
  if (snapshot.revision === 1) {
    try {
      await model.create({ ...snapshot, _id: id });
      return true;
    } catch (err) {
      if ((err as { code?: number }).code !== 11000) throw err;
    }
  }
  const stored = await model.findById(id, { revision: 1 }).lean<{ revision?: number }>();
  if (stored && (stored.revision ?? 0) >= snapshot.revision) return false;
  await model.updateOne({ _id: id }, { $set: snapshot }, { upsert: true, runValidators: true });
  return true;
}
