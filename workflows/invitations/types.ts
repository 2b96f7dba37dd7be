export type InvitationStatus = 'active' | 'revoked' | 'expired';

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
  /** True once the invitation is stored in MongoDB. */
  recorded: boolean;
}

export interface RevokeInvitationRequest {
  by: string;
}
