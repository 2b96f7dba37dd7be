import { recordSchema } from '../db/record';

/** A request seen with an Idempotency-Key: claimed while it runs, then its reply (sealed). */
export interface IdempotencyKeyDoc {
  /** A digest of the caller and its key (src/idempotency/seal.ts); the key itself is not kept. */
  _id: string;
  /** A digest of method, path and body: the same key for another request is refused. */
  fingerprint: string;
  state: 'in-progress' | 'done';
  /** While in progress: until when the request that runs it holds it (renewed as it runs; a crashed one's lapses in seconds). */
  leaseUntil?: Date;
  /** The reply, encrypted with a key derived from the Idempotency-Key (once done). */
  reply?: string;
  /** When the request was first made: what it makes is named by this time and the key, on every attempt. */
  createdAt: Date;
  expiresAt: Date;
}

export const idempotencyKeySchema = recordSchema<IdempotencyKeyDoc>(
  {
    _id: { type: String, required: true },
    fingerprint: { type: String, required: true },
    state: { type: String, required: true, enum: ['in-progress', 'done'] },
    leaseUntil: { type: Date },
    reply: { type: String },
    createdAt: { type: Date, required: true },
    expiresAt: { type: Date, required: true },
  },
  { collection: 'idempotency_keys' },
);

// the hourly clean-up
idempotencyKeySchema.index({ expiresAt: 1 });
