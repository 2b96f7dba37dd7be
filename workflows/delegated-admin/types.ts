import type { RequestedBy } from '../audit';
export const RELATIONSHIP_STATUSES = ['approval-pending', 'active', 'expiring', 'expired', 'terminated', 'declined', 'lapsed'] as const;
export type RelationshipStatus = (typeof RELATIONSHIP_STATUSES)[number];

/** Statuses in which the partner's users may act in the customer. */
export const GRANTING_STATUSES = ['active', 'expiring'] as const satisfies readonly RelationshipStatus[];
/** Statuses of a request still open: one at a time per partner and customer. */
export const OPEN_STATUSES = ['approval-pending', 'active', 'expiring'] as const satisfies readonly RelationshipStatus[];

/** What the partner's users may do in the customer: full = global admin, limited = password admin. */
export type DelegatedAdminRole = 'full' | 'limited';

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
  /** What the partner's users may do in the customer (absent before roles were asked for: full). */
  role?: DelegatedAdminRole;
  /** The code of the link the customer answers at (`/d/<code>`); made by the workflow when absent. */
  code?: string;
  /** Continues as new once its history holds more events than this (default 10,000): every act adds some. */
  maxHistoryEvents?: number;
  /** What a run that continued as new carries into the next. */
  continued?: { state: RelationshipState; revision: number; step: number };
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
  /** Absent in relationships stored before the customer's page showed them. */
  role?: DelegatedAdminRole;
  extensionMs?: number;
  /** A pending request lapses then. */
  lapsesAt?: string;
  /** Its link's code (`/d/<code>`). */
  code?: string;
}

/** The delegated-administration option of an invitation or offer, with the customer's answer when it accepted. */
export interface DelegatedAdminOption {
  /** Absent in options made before roles were asked for: full. */
  role?: DelegatedAdminRole;
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
