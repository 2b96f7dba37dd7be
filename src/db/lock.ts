import { randomUUID } from 'node:crypto';
import type { Connection } from 'mongoose';
import { isDuplicateKey } from './duplicate-key';

const LEASE_MS = 15_000;

export class LockBusyError extends Error {}

/**
 * Runs `fn` while holding a named lock, so checks-then-writes across documents
 * (the last active global admin of a partner) cannot interleave. The lock is a
 * document whose insertion is atomic on MongoDB and FerretDB alike (a unique
 * `_id`); its lease lets a crashed holder's lock be taken over.
 */
export async function withLock<T>(connection: Connection, key: string, fn: () => Promise<T>, waitMs = 5000): Promise<T> {
  const locks = connection.collection<{ _id: string; owner: string; until: Date }>('locks');
  const owner = randomUUID();
  const deadline = Date.now() + waitMs;
  for (let delay = 5; ; delay = Math.min(delay * 2, 100)) {
    try {
      await locks.insertOne({ _id: key, owner, until: new Date(Date.now() + LEASE_MS) });
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
  try {
    return await fn();
  } finally {
    await locks.deleteOne({ _id: key, owner });
  }
}
