import { Schema, type InferSchemaType } from 'mongoose';

/**
 * What a link's code stands for, keyed by the code itself, so that opening a
 * link is a lookup by `_id` (FerretDB reads a whole collection for any other
 * field). Written when the invitation or offer is made.
 */
export const linkCodeSchema = new Schema(
  {
    _id: { type: String, required: true },
    kind: { type: String, required: true, enum: ['invitation', 'offer'] },
    targetId: { type: String, required: true },
    createdAt: { type: Date, required: true },
  },
  { collection: 'link_codes', versionKey: false, strict: 'throw' },
);

export type LinkCodeDoc = InferSchemaType<typeof linkCodeSchema> & { _id: string };
