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
}

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
