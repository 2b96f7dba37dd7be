import type { RequestedBy } from '../audit';

export const SERVICE_REQUEST_STATUSES = ['open', 'attention-needed', 'closed'] as const;
export type ServiceRequestStatus = (typeof SERVICE_REQUEST_STATUSES)[number];

export const SERVICE_REQUEST_SEVERITIES = ['critical', 'moderate', 'minimal'] as const;
export type ServiceRequestSeverity = (typeof SERVICE_REQUEST_SEVERITIES)[number];

/** What opening a request names and holds: the operation's input, and a partner's act under delegated administration. */
export interface ServiceRequestOpening {
  /** The new request's id, named by the request that opens it (`idFor(request, 'srq')`): a retry meets the same workflow. */
  serviceRequestId: string;
  title: string;
  description: string;
  severity: ServiceRequestSeverity;
  /** The partner is reminded once the request has needed attention this long (default: the operations' default). */
  attentionReminderMs?: number;
  /** The id of the update that waits for it to be stored (`updateIdFor(request, 'recorded')`). */
  updateId?: string;
}

/**
 * Who wrote a note or made a change: the customer, a partner user (acting under the
 * delegated-admin relationship `relationshipId`), or the system (a reminder).
 */
export interface ServiceRequestParty {
  kind: 'customer' | 'partner-user' | 'system';
  id: string;
  relationshipId?: string;
}

export interface ServiceRequestNote {
  /** 1, 2, 3… in the order they were added. */
  n: number;
  by: ServiceRequestParty;
  text: string;
  at: string;
}

/** One change, as the history keeps it: opened, a note (its number), a status from → to, a reminder sent. */
export interface ServiceRequestChange {
  kind: 'opened' | 'note' | 'status' | 'reminder';
  note?: number;
  from?: ServiceRequestStatus;
  to?: ServiceRequestStatus;
}

export interface ServiceRequestHistoryEntry {
  n: number;
  at: string;
  by: ServiceRequestParty;
  change: ServiceRequestChange;
}

/** A service request as its workflow holds it (and stores it, with a revision). */
export interface ServiceRequestState {
  serviceRequestId: string;
  partnerId: string;
  customerId: string;
  title: string;
  description: string;
  severity: ServiceRequestSeverity;
  status: ServiceRequestStatus;
  notes: ServiceRequestNote[];
  /** Every change since it was opened, none ever dropped (carried over when the workflow continues as new). */
  history: ServiceRequestHistoryEntry[];
  openedBy: ServiceRequestParty;
  openedAt: string;
  updatedAt: string;
  closedAt?: string;
  /** While attention is needed: since when (the partner is reminded `attentionReminderMs` after it). */
  attentionSince?: string;
}

/** What the workflow carries into its next run when it continues as new. */
export interface ServiceRequestCarried {
  state: ServiceRequestState;
  revision: number;
  /** Attention periods so far (each move into attention-needed starts one), and the last one the partner was reminded of. */
  attentionPeriod: number;
  remindedPeriod: number;
  /** The latest updates applied (a retry of one that reaches the next run meets it done). */
  handledUpdates: string[];
}

export interface ServiceRequestInput {
  serviceRequestId: string;
  partnerId: string;
  /** The partner's profile e-mail: told of the customer's notes, and reminded. */
  partnerEmail: string;
  customerId: string;
  /** The customer's contact e-mail (empty: it has none, nobody is told): told of the partner's notes. */
  customerEmail: string;
  title: string;
  description: string;
  severity: ServiceRequestSeverity;
  openedBy: ServiceRequestParty;
  requested?: RequestedBy;
  /** Durations are data: the partner is reminded once the request has needed attention this long. */
  attentionReminderMs: number;
  /** Continue as new after this many changes in one run (default 500; tests give a few). */
  continueAsNewAfter?: number;
  carried?: ServiceRequestCarried;
}

/** A note added by the customer or a partner user. */
export interface AddNoteRequest {
  text: string;
  by: ServiceRequestParty;
  requested?: RequestedBy;
}

export interface SetStatusRequest {
  status: ServiceRequestStatus;
  by: ServiceRequestParty;
  requested?: RequestedBy;
}
