import type { RequestedBy } from '../audit';
import type { DelegatedAdminChoice } from '../delegated-admin/types';
import type { Stage } from '../stages';

/** Who an acceptance onboards: a new tenant it describes, or an existing one (the API has checked who is asking). */
export type AcceptingCustomer =
  { mode: 'create'; customerId: string; name: string; domain: string; contact: { name: string; email: string } } | { mode: 'existing'; customerId: string };

export interface OnboardingInput {
  partnerId: string;
  customerId: string;
  customer: { name: string; domain: string; cloud: string; contactEmail: string; contactName: string };
  /** Where the customer came from: an invitation (with its trial), a published offer it accepts or a product key the partner redeems for it (no trial). */
  invitationId?: string;
  offerId?: string;
  productKey?: string;
  trial?: { subscriptionId: string; sku: string; licenses: number; lengthMs: number };
  /** Without a trial: the onboarding ends unless a purchase comes by then (the offer's expiry; soon after a key's redemption). */
  purchaseBy?: string;
  /** Reminders this long before the trial ends (e.g. 7 days and 1 day). */
  reminderOffsetsMs: number[];
  /** After suspension, how long until the trial subscription is removed. */
  gracePeriodMs: number;
  /** The invitation offered delegated administration. */
  delegatedAdmin?: DelegatedAdminChoice;
}

export interface TimelineEntry {
  stage: Stage | string;
  at: string;
  by: string;
  detail?: string;
}

export interface OnboardingState {
  partnerId: string;
  customerId: string;
  stage: Stage;
  /** Absent for a customer that joined through a published offer. */
  trialEndsAt?: string;
  subscriptionIds: string[];
  remindersSent: number;
  timeline: TimelineEntry[];
  /** A delegated-admin relationship asked for with the trial or an offer; onboarded waits until it is settled. */
  delegatedAdmin?: { relationshipId: string; status: 'pending' | 'active' | 'not-granted' };
}

export interface CancelTrialRequest {
  by: string;
  requested?: RequestedBy;
}
