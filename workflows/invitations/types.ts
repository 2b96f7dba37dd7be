import type { RequestedBy } from '../audit';
import type { DelegatedAdminOption } from '../delegated-admin/types';
import type { AcceptingCustomer } from '../onboarding/types';

export const INVITATION_STATUSES = ['active', 'revoked', 'expired'] as const;
export type InvitationStatus = (typeof INVITATION_STATUSES)[number];

/** What the API hands the invitation workflow when it starts it. */
export interface TrialInvitationInput {
  invitationId: string;
  partnerId: string;
  sku: string;
  /** The unguessable code in the invitation's URL. */
  code: string;
  /** How long the invitation stays open (from the request; 30 days by default). */
  expiresInMs: number;
  createdBy: string;
  /** The request that created it (absent in invitations started before the workflow wrote the audit log). */
  requested?: RequestedBy;
  /** Delegated administration offered with the trial (the customer may agree while accepting). */
  delegatedAdmin?: DelegatedAdminOption & { partnerEmail: string };
  /** The trial each accepting customer gets (durations are data: from the catalog or the request). */
  trial: { lengthMs: number; licenses: number; reminderOffsetsMs: number[]; gracePeriodMs: number };
  /** E-mailed the link at once (absent in invitations made before offerflow e-mailed them). */
  recipients?: string[];
  /** Its link, and who it is from, for the e-mails. */
  url?: string;
  from?: { name: string; email: string };
  /** The state carried over when the workflow continued as new. */
  carried?: { state: InvitationState; revision: number };
}

/** The invitation as its workflow holds it; the `state` query returns this. */
export interface InvitationState {
  invitationId: string;
  partnerId: string;
  sku: string;
  code: string;
  status: InvitationStatus;
  createdAt: string;
  expiresAt: string;
  createdBy: string;
  revokedAt?: string;
  revokedBy?: string;
  expiredAt?: string;
  trial: TrialInvitationInput['trial'];
  /** True once the invitation is stored in MongoDB. */
  recorded: boolean;
  /** Customers who accepted it so far (the list itself is stored: invitation_redemptions). */
  redemptions: number;
  /** Visitors who declined it (absent in invitations started before declining existed). */
  declines?: number;
  /** E-mails of the link sent by offerflow (absent before it sent them). */
  invited?: number;
  /** The delegated administration offered with the trial (absent in invitations stored before it was shown). */
  delegatedAdmin?: DelegatedAdminOption;
}

/** E-mail the link to these addresses (each gets one e-mail from this invitation, however often asked). */
export interface InviteRecipientsRequest {
  recipients: string[];
  requested?: RequestedBy;
}

/** `by`: the customer's id when a customer token came with the decline, else 'anonymous'. */
export interface DeclineInvitationRequest {
  by: string;
  requested?: RequestedBy;
}

export interface RevokeInvitationRequest {
  by: string;
  requested?: RequestedBy;
}

/** A customer accepting the invitation through its link (the API has checked who is asking). */
export interface AcceptInvitationRequest {
  customer: AcceptingCustomer;
  /** Id for the trial subscription, should this acceptance start one. */
  subscriptionId: string;
  /** For an invitation with delegated administration: the customer's answer, and the relationship's id. */
  delegatedAdmin?: { agreed: boolean; relationshipId: string };
  requested?: RequestedBy;
}

export interface AcceptInvitationResult {
  customerId: string;
  /** The customer tenant was created by this acceptance. */
  created: boolean;
  onboardingWorkflowId: string;
  /** False when the customer was already onboarding with this partner (nothing new started). */
  started: boolean;
  subscriptionId?: string;
}
