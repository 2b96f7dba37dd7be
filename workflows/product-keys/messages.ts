import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { RequestedBy } from '../audit';
import type { DelegatedAdminOption } from '../delegated-admin/types';
import type { AcceptingCustomer } from '../onboarding/types';
import type { RegistrationSummary } from '../../activities/product-keys/activities';

/** Where a registration's job stands (its progress line by line is in its stored record). */
export interface KeyRegistrationState {
  registrationId: string;
  step: 'registering' | 'done';
  summary?: RegistrationSummary;
}

export const keyRegistrationStateQuery = defineQuery<KeyRegistrationState>('state');

/** A partner redeems a key for a customer (named by the request: a retry meets the same redemption). */
export interface RedeemKeyRequest {
  /** The request's name for this redemption: the one stored with the key. */
  redemptionId: string;
  customer: AcceptingCustomer;
  /** The subscription it sets up, and its price in the partner's cloud (the catalog's, as for offers). */
  subscriptionId: string;
  minLicenses: number;
  maxLicenses: number;
  priceMinor: number;
  currency: string;
  billingPeriodMs: number;
  cancellationWindowMs: number;
  partnerEmail: string;
  /** Delegated administration asked of the customer at the same time (it approves it). */
  delegatedAdmin?: DelegatedAdminOption & { relationshipId: string };
  /** The partner user who redeems it. */
  by: string;
  requested?: RequestedBy;
}

export interface KeyRedemption {
  key: string;
  redemptionId: string;
  customerId: string;
  /** The customer tenant was made by this redemption. */
  created: boolean;
  subscription: { subscriptionId: string; sku: string; licenses: number };
  delegatedAdmin?: { relationshipId: string; status: 'active' | 'approval-pending' };
  redeemedAt: string;
}

/** Where a key's redemption stands: waiting for it (it comes with the start), under way, done, or refused. */
export interface KeyRedemptionState {
  key: string;
  partnerId: string;
  status: 'waiting' | 'redeeming' | 'redeemed' | 'refused';
  redemption?: KeyRedemption;
}

export const keyRedemptionStateQuery = defineQuery<KeyRedemptionState>('state');

/** Redeems the key, once: any other redemption of it is refused (a repeat of the same one gets its result). */
export const redeemKeyUpdate = defineUpdate<KeyRedemption, [RedeemKeyRequest]>('redeem');
