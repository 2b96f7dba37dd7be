import type { RequestedBy } from '../audit';
export const RELATIONSHIP_STATUSES = ['approval-pending', 'active', 'expiring', 'expired', 'terminated', 'declined', 'lapsed'] as const;
export type RelationshipStatus = (typeof RELATIONSHIP_STATUSES)[number];

/** Statuses in which the partner's users may act in the customer. */
export const GRANTING_STATUSES = ['active', 'expiring'] as const satisfies readonly RelationshipStatus[];
/** Statuses of a request still open: one at a time per partner and customer. */
export const OPEN_STATUSES = ['approval-pending', 'active', 'expiring'] as const satisfies readonly RelationshipStatus[];

export interface DelegatedAdminInput {
  relationshipId: string;
  partnerId: string;
  partnerEmail: string;
  customerId: string;
  customerEmail: string;
  /** Durations are data (from the request; the defaults are the market leader's). */
  durationMs: number;
  autoExtend: boolean;
  extensionMs: number;
  approvalTimeoutMs: number;
  /** The expiry notice goes out this long before the end. */
  noticeMs: number;
  /** Agreed together with a trial or an offer: active from the start. */
  acceptedAtStart: boolean;
  /** The onboarding waiting for this relationship, told when it is settled. */
  onboardingWorkflowId?: string;
  requestedBy: string;
  /** The partner's request that asked for it on its own (not with a trial or an offer). */
  requested?: RequestedBy;
}

/** A customer's answer: `by` is 'customer'. */
export interface RelationshipAnswerRequest {
  by: string;
  requested?: RequestedBy;
}

export interface RelationshipState {
  relationshipId: string;
  partnerId: string;
  customerId: string;
  status: RelationshipStatus;
  requestedAt: string;
  acceptedAt?: string;
  endsAt?: string;
  endedAt?: string;
  endedBy?: string;
  extensions: number;
  autoExtend: boolean;
  durationMs: number;
}

/** The delegated-administration option of an invitation or offer, with the customer's answer when it accepted. */
export interface DelegatedAdminOption {
  durationMs: number;
  autoExtend: boolean;
  extensionMs: number;
  approvalTimeoutMs: number;
  noticeMs: number;
}

export interface DelegatedAdminChoice extends DelegatedAdminOption {
  relationshipId: string;
  /** The customer agreed while accepting: active at once; otherwise pending its approval. */
  agreed: boolean;
  partnerEmail: string;
}
