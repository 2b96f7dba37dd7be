import { Schema, type InferSchemaType } from 'mongoose';

/** A customer's API token (`ofc.…`); only the SHA-256 of its secret is kept. */
export const customerTokenSchema = new Schema(
  {
    _id: { type: String, required: true },
    hash: { type: String, required: true, match: /^[0-9a-f]{64}$/ },
    customerId: { type: String, required: true },
    createdAt: { type: Date, required: true },
    revokedAt: { type: Date },
  },
  { collection: 'customer_tokens', versionKey: false, strict: 'throw' },
);

customerTokenSchema.index({ customerId: 1 });

export type CustomerTokenDoc = InferSchemaType<typeof customerTokenSchema> & { _id: string };
