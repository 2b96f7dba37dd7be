import { ApplicationFailure } from '@temporalio/activity';
import mongoose, { type Model } from 'mongoose';
import { insertOnce } from '../src/db/duplicate-key';
import type { NoExtraFields, Wire } from '../src/db/record';

/** The failure type of a record its schema refuses: a bug, which no retry mends. */
export const INVALID_RECORD = 'InvalidRecord';

/**
 * Runs a write; a document its mongoose schema refuses (a missing or unknown
 * field, a value of the wrong type) fails the activity for good instead of
 * being retried forever while the caller waits.
 */
export async function refusingInvalidRecords<T>(write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (err) {
    const { ValidationError, StrictModeError, CastError } = mongoose.Error;
    if (err instanceof ValidationError || err instanceof StrictModeError || err instanceof CastError) {
      throw ApplicationFailure.nonRetryable(`the record does not fit its schema: ${err.message}`, INVALID_RECORD);
    }
    throw err;
  }
}

/** An insert keyed deterministically (a retried activity finds its record there). */
export function insertRecordOnce<T>(model: Model<T>, doc: Partial<T>): Promise<boolean> {
  return refusingInvalidRecords(() => insertOnce(model, doc));
}

/**
 * Writes a workflow's snapshot of one record, idempotently and in order: the
 * document is written only if the stored `revision` is older. Running the same
 * activity twice changes nothing, and a retry of an older revision that comes
 * after a newer one was written is dropped. The snapshot must be exactly the
 * record's fields (dates may be ISO strings): tsc refuses a field the record lacks.
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
export async function saveSnapshot<R extends { _id: string; revision: number }, S extends Wire<Omit<R, '_id'>>>(
  model: Model<R>,
  id: string,
  snapshot: S & NoExtraFields<S, R>,
): Promise<boolean> {
  const fields = snapshot as unknown as { revision: number } & Partial<R>;
  return refusingInvalidRecords(async () => {
    if (fields.revision === 1 && (await insertOnce(model, { ...fields, _id: id }))) return true;
    const stored = (await model.findById(id, { revision: 1 }).lean()) as { revision?: number } | null;
    if (stored && (stored.revision ?? 0) >= fields.revision) return false;
    await model.updateOne({ _id: id }, { $set: fields }, { upsert: true, runValidators: true });
    return true;
  });
}
