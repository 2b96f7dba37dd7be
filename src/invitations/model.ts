import { Schema, type InferSchemaType } from 'mongoose';

export const INVITATION_STATUSES = ['active', 'revoked', 'expired'] as const;

/** A trial invitation as stored; written only by the invitation workflow's activities. */
export const invitationSchema = new Schema(
  {
    _id: { type: String, required: true },
    partnerId: { type: String, required: true },
    sku: { type: String, required: true },
    code: { type: String, required: true },
    status: { type: String, required: true, enum: INVITATION_STATUSES },
    createdBy: { type: String, required: true },
    createdAt: { type: Date, required: true },
    expiresAt: { type: Date, required: true },
    revokedAt: { type: Date },
    revokedBy: { type: String },
    expiredAt: { type: Date },
    trial: {
      type: new Schema(
        {
          lengthMs: { type: Number, required: true, min: 1 },
          licenses: { type: Number, required: true, min: 1 },
          reminderOffsetsMs: { type: [Number], default: [] },
          gracePeriodMs: { type: Number, required: true, min: 1 },
        },
        { _id: false },
      ),
      required: true,
    },
    workflowId: { type: String, required: true },
    /** Visitors who declined it through its link. */
    declines: { type: Number, default: 0, min: 0 },
    /** Monotonic per invitation: a snapshot is written only over an older one. */
    revision: { type: Number, required: true, min: 1 },
  },
  { collection: 'invitations', versionKey: false, strict: 'throw' },
);

// The customer's link looks an invitation up by its code.
invitationSchema.index({ code: 1 }, { unique: true });
// A partner's list, newest first (ids are time-ordered).
invitationSchema.index({ partnerId: 1, _id: -1 });
invitationSchema.index({ partnerId: 1, status: 1, _id: -1 });

export type InvitationDoc = InferSchemaType<typeof invitationSchema>;

/** A customer who accepted an invitation; the partner follows each. */
export const redemptionSchema = new Schema(
  {
    /** `<invitationId>|<customerId>` */
    _id: { type: String, required: true },
    invitationId: { type: String, required: true },
    partnerId: { type: String, required: true },
    customerId: { type: String, required: true },
    onboardingWorkflowId: { type: String, required: true },
    at: { type: Date, required: true },
  },
  { collection: 'invitation_redemptions', versionKey: false, strict: 'throw' },
);

redemptionSchema.index({ invitationId: 1, at: 1 });

export type RedemptionDoc = InferSchemaType<typeof redemptionSchema> & { _id: string };
