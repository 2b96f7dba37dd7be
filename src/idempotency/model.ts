import { recordSchema } from '../db/record';

/** A POST seen with an Idempotency-Key, and the response it got. */
export interface IdempotencyKeyDoc {
  /** `<caller>|<key>` */
  _id: string;
  fingerprint: string;
  state: 'in-progress' | 'done';
  status?: number;
  headers?: string;
  body?: string;
  createdAt: Date;
  expiresAt: Date;
}

export const idempotencyKeySchema = recordSchema<IdempotencyKeyDoc>(
  {
    _id: { type: String, required: true },
    fingerprint: { type: String, required: true },
    state: { type: String, required: true, enum: ['in-progress', 'done'] },
    status: { type: Number },
    headers: { type: String },
    body: { type: String },
    createdAt: { type: Date, required: true },
    expiresAt: { type: Date, required: true },
  },
  { collection: 'idempotency_keys' },
);

// the hourly clean-up
idempotencyKeySchema.index({ expiresAt: 1 });
