import type { RequestedBy } from '../audit';
/** Statuses of a stored subscription: a trial (its onboarding's), then paid (its own workflow's). */
export const SUBSCRIPTION_STATUSES = ['trial', 'active', 'suspended', 'removed', 'cancelled'] as const;
export type SubscriptionStatus = (typeof SUBSCRIPTION_STATUSES)[number];

export interface SubscriptionInput {
  subscriptionId: string;
  customerId: string;
  /** The partner of record, notified of every change. */
  partnerId: string;
  partnerEmail: string;
  sku: string;
  licenses: number;
  minLicenses: number;
  maxLicenses: number;
  /** Monthly price per license, in minor units. */
  priceMinor: number;
  currency: string;
  purchasedAt: string;
  /** Durations are data: a billing period (a month by default), and the window after each renewal in which licenses may go down. */
  billingPeriodMs: number;
  cancellationWindowMs: number;
  /** The stored subscription's revision before this workflow took it over (its trial's). */
  revisionBase: number;
  /** The state carried over when the workflow continued as new. */
  carried?: SubscriptionState;
}

export interface SubscriptionState {
  subscriptionId: string;
  customerId: string;
  partnerId: string;
  sku: string;
  status: 'active' | 'cancelled';
  licenses: number;
  purchasedAt: string;
  /** Changes applied so far (each one stored and notified). */
  changes: number;
  /** The last change, and the update that made it (a retry of that request meets it here, even in a continued run). */
  lastChange?: { from: number; to: number; proratedAmount: number; by: string; updateId?: string };
  revision: number;
  /** Whether it renews at the end of the billing period (absent: yes; runs from before renewals were kept). */
  autoRenew?: boolean;
  /** Billing periods renewed so far (absent: runs from before they were counted). */
  renewals?: number;
  /** When the current billing period ends: a renewal, or the end when it does not renew. */
  periodEndsAt?: string;
  /** When it ended (not renewed at its period's end). */
  endedAt?: string;
  /** Times its renewal was set (each one notified). */
  renewalSettings?: number;
  /**
   * The partner of record now, told of every change (e-mail and events): absent in runs from before it
   * was kept (`input.partnerId` is); null once the customer removed it.
   */
  partnerOfRecord?: PartnerOfRecord | null;
  /** A change of the partner of record the customer asked for, waiting for the asked partner's answer. */
  pendingPartnerOfRecordChange?: PendingPartnerOfRecordChange;
  /** Steps of the partner of record so far (asked, answered, lapsed, removed): each one stored and notified under its number. */
  partnerOfRecordSteps?: number;
  /** The last change asked for and how it ended (a retry of its request or answer meets it here, even in a continued run). */
  lastPartnerOfRecordRequest?: { requestId: string; status: PartnerOfRecordRequestStatus };
}

/** A change asked for, as the workflow holds it while the asked partner may answer. */
export interface PendingPartnerOfRecordChange extends PartnerOfRecordChangeRequest {
  /** Its step (numbers its notifications). */
  n: number;
  /** The partner of record when it was asked (null: none). */
  from: PartnerOfRecord | null;
  askedAt: string;
  /** When it lapses unanswered. */
  expiresAt: string;
}

export interface PartnerOfRecord {
  partnerId: string;
  email: string;
}

/** The customer asks another partner of the same cloud to become the partner of record; it must accept. */
export interface PartnerOfRecordChangeRequest {
  /** The request's id (its stored record's). */
  requestId: string;
  to: PartnerOfRecord;
  /** How long the asked partner has to answer (durations are data: DEFAULT_PARTNER_OF_RECORD_ANSWER_MS). */
  answerWithinMs: number;
  requested?: RequestedBy;
}

/** The asked partner's answer to a pending change of the partner of record. */
export interface PartnerOfRecordAnswer {
  requestId: string;
  /** The answering partner: only the asked one may answer. */
  partnerId: string;
  accept: boolean;
  requested?: RequestedBy;
}

/** The customer removes the partner of record: nobody is told of the subscription's changes from then on. */
export interface PartnerOfRecordRemoval {
  requested?: RequestedBy;
}

/** Where a change of the partner of record stands (its stored record's status). */
export const PARTNER_OF_RECORD_REQUEST_STATUSES = ['pending', 'accepted', 'declined', 'lapsed', 'withdrawn'] as const;
export type PartnerOfRecordRequestStatus = (typeof PARTNER_OF_RECORD_REQUEST_STATUSES)[number];

/** Whether the subscription renews at the end of each billing period. */
export interface RenewalRequest {
  autoRenew: boolean;
  /** 'customer', or the partner user acting under delegated administration. */
  by: string;
  requested?: RequestedBy;
}

export interface LicenseChangeRequest {
  licenses: number;
  /** 'customer', or the partner user acting under delegated administration. */
  by: string;
  requested?: RequestedBy;
}

export interface PricePreview {
  currentLicenses: number;
  newLicenses: number;
  /** Prorated to the end of the current billing period; negative is a refund. In minor units. */
  proratedAmount: number;
  currency: string;
  periodStartsAt: string;
  periodEndsAt: string;
  /** Whether a decrease is allowed now (inside the cancellation window). */
  decreaseAllowed: boolean;
  cancellationWindowEndsAt: string;
}
