import { Schema, type InferSchemaType } from 'mongoose';

/** An API token of a partner user; only the SHA-256 of its secret is kept. */
export const apiTokenSchema = new Schema(
  {
    _id: { type: String, required: true },
    hash: { type: String, required: true, match: /^[0-9a-f]{64}$/ },
    partnerId: { type: String, required: true },
    userId: { type: String, required: true },
    label: { type: String, required: true },
    createdAt: { type: Date, required: true },
    createdBy: { type: String, required: true },
    expiresAt: { type: Date },
    revokedAt: { type: Date },
    revokedBy: { type: String },
  },
  { collection: 'api_tokens', versionKey: false, strict: 'throw' },
);

apiTokenSchema.index({ partnerId: 1, userId: 1, createdAt: -1 });

export type ApiTokenDoc = InferSchemaType<typeof apiTokenSchema> & { _id: string };
