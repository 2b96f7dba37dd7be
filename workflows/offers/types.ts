export interface OfferItem {
  sku: string;
  licenses: number;
  minLicenses: number;
  maxLicenses: number;
  /** Monthly price per license in the partner's cloud, minor units. */
  priceMinor: number;
  currency: string;
  /** Id for the subscription this item creates, unless it converts the trial of the same SKU. */
  subscriptionId: string;
}

import type { RequestedBy } from '../audit';
import type { DelegatedAdminChoice, DelegatedAdminOption } from '../delegated-admin/types';
import type { AcceptingCustomer } from '../onboarding/types';

export interface OfferInput {
  offerId: string;
  partnerId: string;
  partnerEmail: string;
  customerId: string;
  customerEmail: string;
  /** The link the customer opens to see and accept the offer. */
  url: string;
  items: OfferItem[];
  expiresAt: string;
  billingPeriodMs: number;
  cancellationWindowMs: number;
  /** The offer asks for delegated administration too. */
  delegatedAdmin?: DelegatedAdminOption;
  /** The request that sent it (absent in offers sent before the workflow wrote the audit log). */
  requested?: RequestedBy;
  /**
   * A published offer accepted by someone not (or no longer) onboarding with the partner: nothing
   * is stored or e-mailed until the acceptance (its `join`) has made the customer the partner's.
   */
  joining?: true;
}

export const OFFER_STATUSES = ['sent', 'accepted', 'declined', 'superseded', 'revoked', 'expired'] as const;
export type OfferStatus = (typeof OFFER_STATUSES)[number];

export interface OfferState {
  offerId: string;
  partnerId: string;
  customerId: string;
  status: OfferStatus;
  items: Array<{ sku: string; licenses: number }>;
  expiresAt: string;
  sentAt: string;
  endedAt?: string;
  endedBy?: string;
  supersededBy?: string;
  subscriptions?: Array<{ subscriptionId: string; sku: string; licenses: number }>;
}

/** An offer open for a customer, as its onboarding keeps track of it (offer ids are time-ordered: a later id is a newer offer). */
export interface OfferSent {
  offerId: string;
  partnerId: string;
  customerId: string;
  sentAt: string;
}

export interface AcceptOfferRequest {
  /** The customer's own license counts, by SKU (within the catalog's bounds); the offer's otherwise. */
  licenses?: Record<string, number>;
  /** For an offer with delegated administration: whether the customer grants it now, and the relationship's id. */
  delegatedAdmin?: { agreed: boolean; relationshipId: string };
  by: string;
  requested?: RequestedBy;
  /** Joining offers only: the customer that becomes the partner's through this acceptance (a new tenant, or an existing one of the partner's cloud). */
  join?: AcceptingCustomer;
}

/** Declining or revoking: `by` is 'customer' or the partner user. */
export interface CloseOfferRequest {
  by: string;
  requested?: RequestedBy;
}

export interface PurchaseRequest {
  offerId: string;
  items: Array<OfferItem & { licenses: number }>;
  partnerEmail: string;
  billingPeriodMs: number;
  cancellationWindowMs: number;
  delegatedAdmin?: DelegatedAdminChoice;
  by: string;
}

export interface PurchaseResult {
  subscriptions: Array<{ subscriptionId: string; sku: string; licenses: number; convertedTrial: boolean }>;
  /** When the offer asked for delegated administration: the relationship that stands for it (a new one, or the one already pending or active). */
  delegatedAdmin?: { relationshipId: string; status: 'active' | 'approval-pending' };
}
