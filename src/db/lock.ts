import { randomUUID } from 'node:crypto';
import type { Connection } from 'mongoose';
import { isDuplicateKey } from './duplicate-key';

const LEASE_MS = 15_000;

export class LockBusyError extends Error {}

/**
 * Runs `fn` while holding a named lock, so checks-then-writes across documents
 * (the last active global admin of a partner) cannot interleave. The lock is a
 * document whose insertion is atomic on MongoDB and FerretDB alike (a unique
 * `_id`); its lease lets a crashed holder's lock be taken over. A live holder renews its
 * lease while `fn` runs, so a short lease (`leaseMs`) frees a dead holder's lock soon
 * without a slow `fn` losing its own.
 */
export async function withLock<T>(connection: Connection, key: string, fn: () => Promise<T>, waitMs = 5000, leaseMs = LEASE_MS): Promise<T> {
  const locks = connection.collection<{ _id: string; owner: string; until: Date }>('locks');
  const owner = randomUUID();
  const deadline = Date.now() + waitMs;
  for (let delay = 5; ; delay = Math.min(delay * 2, 100)) {
    try {
      await locks.insertOne({ _id: key, owner, until: new Date(Date.now() + leaseMs) });
      break;
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
      const held = await locks.findOne({ _id: key });
      if (held && held.until.getTime() < Date.now()) {
        await locks.deleteOne({ _id: key, owner: held.owner });
        continue;
      }
      if (Date.now() > deadline) throw new LockBusyError(`${key} is busy`);
      await new Promise((r) => setTimeout(r, delay + Math.random() * delay));
    }
  }
  const renewal = setInterval(() => {
    locks.updateOne({ _id: key, owner }, { $set: { until: new Date(Date.now() + leaseMs) } }).catch(() => undefined); // a missed renewal: the next one, or the lease lapses
  }, leaseMs / 3);
  try {
    return await fn();
  } finally {
    clearInterval(renewal);
    await locks.deleteOne({ _id: key, owner });
  }
}
