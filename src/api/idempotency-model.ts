import { Schema, type InferSchemaType } from 'mongoose';

/** A POST seen with an Idempotency-Key, and the response it got. */
export const idempotencyKeySchema = new Schema(
  {
    /** `<caller>|<key>` */
    _id: { type: String, required: true },
    fingerprint: { type: String, required: true },
    state: { type: String, required: true, enum: ['in-progress', 'done'] },
    status: { type: Number },
    headers: { type: String },
    body: { type: String },
    createdAt: { type: Date, required: true },
    expiresAt: { type: Date, required: true },
  },
  { collection: 'idempotency_keys', versionKey: false, strict: 'throw' },
);

// the hourly clean-up
idempotencyKeySchema.index({ expiresAt: 1 });

export type IdempotencyKeyDoc = InferSchemaType<typeof idempotencyKeySchema> & { _id: string };
