import { Schema, type InferSchemaType } from 'mongoose';

export const RELATIONSHIP_STATUSES = ['approval-pending', 'active', 'expiring', 'expired', 'terminated', 'declined', 'lapsed'] as const;

/** A delegated-admin relationship between a partner and a customer; written by its workflow. */
export const relationshipSchema = new Schema(
  {
    _id: { type: String, required: true },
    partnerId: { type: String, required: true },
    customerId: { type: String, required: true },
    status: { type: String, required: true, enum: RELATIONSHIP_STATUSES },
    requestedAt: { type: String, required: true },
    acceptedAt: { type: String },
    endsAt: { type: String },
    endedAt: { type: String },
    endedBy: { type: String },
    extensions: { type: Number, required: true },
    autoExtend: { type: Boolean, required: true },
    durationMs: { type: Number, required: true },
    revision: { type: Number, required: true, min: 1 },
  },
  { collection: 'delegated_admin_relationships', versionKey: false, strict: 'throw' },
);

// "is there an active relationship between this partner and this customer?" (every partner action in a customer)
relationshipSchema.index({ partnerId: 1, customerId: 1, status: 1 });
relationshipSchema.index({ customerId: 1, _id: 1 });

export type RelationshipDoc = InferSchemaType<typeof relationshipSchema> & { _id: string };

/** Statuses in which the partner's users may act in the customer. */
export const GRANTING_STATUSES = ['active', 'expiring'] as const;
