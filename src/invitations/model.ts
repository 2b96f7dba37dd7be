import { partSchema, recordSchema } from '../db/record';
import { delegatedAdminOptionPart } from '../delegated-admin/model';
import type { DelegatedAdminOption } from '../../workflows/delegated-admin/types';
import { INVITATION_STATUSES, type InvitationStatus, type TrialInvitationInput } from '../../workflows/invitations/types';

export type InvitationTrial = TrialInvitationInput['trial'];

/** A trial invitation as stored; written only by the invitation workflow's activities. */
export interface InvitationDoc {
  _id: string;
  partnerId: string;
  sku: string;
  code: string;
  status: InvitationStatus;
  createdBy: string;
  createdAt: Date;
  expiresAt: Date;
  revokedAt?: Date;
  revokedBy?: string;
  expiredAt?: Date;
  trial: InvitationTrial;
  workflowId: string;
  /** Visitors who declined it through its link (absent in invitations stored before declining existed). */
  declines?: number;
  /** E-mails of the link offerflow sent. */
  invited?: number;
  /** The delegated administration offered with the trial. */
  delegatedAdmin?: DelegatedAdminOption;
  /** Monotonic per invitation: a snapshot is written only over an older one. */
  revision: number;
}

export const invitationSchema = recordSchema<InvitationDoc>(
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
      type: partSchema<InvitationTrial>({
        lengthMs: { type: Number, required: true, min: 1 },
        licenses: { type: Number, required: true, min: 1 },
        reminderOffsetsMs: { type: [Number], default: [] },
        gracePeriodMs: { type: Number, required: true, min: 1 },
      }),
      required: true,
    },
    workflowId: { type: String, required: true },
    declines: { type: Number, default: 0, min: 0 },
    invited: { type: Number, min: 0 },
    delegatedAdmin: { type: delegatedAdminOptionPart },
    revision: { type: Number, required: true, min: 1 },
  },
  { collection: 'invitations' },
);

// The customer's link looks an invitation up by its code.
invitationSchema.index({ code: 1 }, { unique: true });
// A partner's list, newest first (ids are time-ordered).
invitationSchema.index({ partnerId: 1, _id: -1 });
invitationSchema.index({ partnerId: 1, status: 1, _id: -1 });

/** A customer who accepted an invitation; the partner follows each. */
export interface RedemptionDoc {
  /** `<invitationId>|<customerId>` */
  _id: string;
  invitationId: string;
  partnerId: string;
  customerId: string;
  onboardingWorkflowId: string;
  at: Date;
}

export const redemptionSchema = recordSchema<RedemptionDoc>(
  {
    _id: { type: String, required: true },
    invitationId: { type: String, required: true },
    partnerId: { type: String, required: true },
    customerId: { type: String, required: true },
    onboardingWorkflowId: { type: String, required: true },
    at: { type: Date, required: true },
  },
  { collection: 'invitation_redemptions' },
);

redemptionSchema.index({ invitationId: 1, at: 1 });
