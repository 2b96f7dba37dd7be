import { randomBytes } from 'node:crypto';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { ActivityFailure, ApplicationFailure } from '@temporalio/common';
import type { DelegatedAdminInput } from '../../workflows/delegated-admin/types';
import { DAY_MS, DEFAULT_ATTENTION_REMINDER_MS, DEFAULT_GRACE_PERIOD_MS, DEFAULT_REMINDER_OFFSETS_MS } from '../../workflows/durations';
import type { TrialInvitationInput } from '../../workflows/invitations/types';
import type { OfferInput, PurchaseRequest } from '../../workflows/offers/types';
import type { OnboardingInput } from '../../workflows/onboarding/types';
import type { RedeemKeyRequest } from '../../workflows/product-keys/messages';
import type { ServiceRequestInput } from '../../workflows/service-requests/types';
import type { SubscriptionInput } from '../../workflows/subscriptions/types';

/** Inputs of the workflows as the API or a parent workflow builds them, with the product's default durations. */

export const DAY = DAY_MS;
export const HOUR = 3_600_000;
const u = () => randomBytes(4).toString('hex');

/** An onboarding that starts with a trial (from an invitation). */
type TrialOnboardingInput = OnboardingInput & { trial: NonNullable<OnboardingInput['trial']> };

export function onboardingInput(over: Partial<TrialOnboardingInput> = {}): TrialOnboardingInput {
  const id = u();
  return {
    partnerId: `par_${id}`,
    customerId: `cus_${id}`,
    customer: { name: `Fabrikam ${id}`, domain: `fabrikam-${id}.example`, cloud: 'global', contactEmail: `fiona@fabrikam-${id}.example`, contactName: 'Fiona' },
    invitationId: `inv_${id}`,
    trial: { subscriptionId: `sub_${id}`, sku: 'BUS-STD', licenses: 5, lengthMs: 30 * DAY },
    reminderOffsetsMs: [...DEFAULT_REMINDER_OFFSETS_MS],
    gracePeriodMs: DEFAULT_GRACE_PERIOD_MS,
    ...over,
  };
}

/** A customer that joins the partner through a published offer: no trial, bought by the offer's expiry or never. */
export function joiningOnboardingInput(purchaseBy: number): OnboardingInput {
  const { trial: _trial, invitationId: _invitationId, ...rest } = onboardingInput();
  return { ...rest, offerId: `off_${u()}`, purchaseBy: new Date(purchaseBy).toISOString(), reminderOffsetsMs: [], gracePeriodMs: 0 };
}

export function purchaseRequest(input: OnboardingInput, over: Partial<PurchaseRequest> = {}): PurchaseRequest {
  return {
    offerId: `off_${u()}`,
    items: [
      { sku: input.trial?.sku ?? 'BUS-STD', licenses: 10, minLicenses: 1, maxLicenses: 300, priceMinor: 1250, currency: 'USD', subscriptionId: `sub_${u()}` },
    ],
    partnerEmail: `admin@${input.partnerId}.example`,
    billingPeriodMs: 30 * DAY,
    cancellationWindowMs: 7 * DAY,
    by: 'customer',
    ...over,
  };
}

export function subscriptionInput(purchasedAt: number, over: Partial<SubscriptionInput> = {}): SubscriptionInput {
  const id = u();
  return {
    subscriptionId: `sub_${id}`,
    customerId: `cus_${id}`,
    partnerId: `par_${id}`,
    partnerEmail: `admin@par-${id}.example`,
    sku: 'BUS-STD',
    licenses: 10,
    minLicenses: 1,
    maxLicenses: 300,
    priceMinor: 1250,
    currency: 'USD',
    purchasedAt: new Date(purchasedAt).toISOString(),
    billingPeriodMs: 30 * DAY,
    cancellationWindowMs: 7 * DAY,
    revisionBase: 0,
    ...over,
  };
}

/** The API's defaults (src/delegated-admin/schemas.ts): 730 days, 90 days to answer, notice 7 days before the end, extensions of 180 days. */
export function relationshipInput(over: Partial<DelegatedAdminInput> = {}): DelegatedAdminInput {
  const id = u();
  return {
    relationshipId: `rel_${id}`,
    partnerId: `par_${id}`,
    partnerEmail: `admin@par-${id}.example`,
    customerId: `cus_${id}`,
    customerEmail: `fiona@cus-${id}.example`,
    durationMs: 730 * DAY,
    autoExtend: false,
    extensionMs: 180 * DAY,
    approvalTimeoutMs: 90 * DAY,
    noticeMs: 7 * DAY,
    acceptedAtStart: false,
    requestedBy: 'usr_partner_admin',
    ...over,
  };
}

export function invitationInput(over: Partial<TrialInvitationInput> = {}): TrialInvitationInput {
  const id = u();
  return {
    invitationId: `inv_${id}`,
    partnerId: `par_${id}`,
    sku: 'BUS-STD',
    code: randomBytes(16).toString('hex'),
    expiresInMs: 30 * DAY,
    createdBy: 'usr_partner_admin',
    trial: { lengthMs: 30 * DAY, licenses: 5, reminderOffsetsMs: [...DEFAULT_REMINDER_OFFSETS_MS], gracePeriodMs: DEFAULT_GRACE_PERIOD_MS },
    ...over,
  };
}

export function offerInput(expiresAt: number, over: Partial<OfferInput> = {}): OfferInput {
  const id = u();
  return {
    offerId: `off_${id}`,
    partnerId: `par_${id}`,
    partnerEmail: `admin@par-${id}.example`,
    customerId: `cus_${id}`,
    customerEmail: `fiona@cus-${id}.example`,
    url: `https://offerflow.example/l/${randomBytes(16).toString('hex')}`,
    items: [{ sku: 'BUS-STD', licenses: 10, minLicenses: 1, maxLicenses: 300, priceMinor: 1250, currency: 'USD', subscriptionId: `sub_${id}` }],
    expiresAt: new Date(expiresAt).toISOString(),
    billingPeriodMs: 30 * DAY,
    cancellationWindowMs: 7 * DAY,
    ...over,
  };
}

/** The ApplicationFailure type an update was refused with (its validator's or its handler's). */
/** A customer's service request as the API opens it (ids of its own each time). */
export function serviceRequestInput(over: Partial<ServiceRequestInput> = {}): ServiceRequestInput {
  const id = randomBytes(4).toString('hex');
  return {
    serviceRequestId: `srq_${id}`,
    partnerId: `par_${id}`,
    partnerEmail: `hello@par-${id}.example`,
    customerId: `cus_${id}`,
    customerEmail: `fiona@cus-${id}.example`,
    title: 'Mail does not arrive',
    description: 'Since Monday no external mail reaches the sales team.',
    severity: 'critical',
    openedBy: { kind: 'customer', id: `cus_${id}` },
    requested: { actor: { kind: 'customer', id: `cus_${id}` }, requestId: 'req-1' },
    attentionReminderMs: DEFAULT_ATTENTION_REMINDER_MS,
    ...over,
  };
}

/** A product key's redemption for a new tenant, named by `n` (pkr_n, cus_n, sub_n). */
export const keyRedemptionRequest = (n: number | string): RedeemKeyRequest => ({
  redemptionId: `pkr_${n}`,
  customer: {
    mode: 'create',
    customerId: `cus_${n}`,
    name: `Wingtip ${n}`,
    domain: `wingtip-${n}.example`,
    contact: { name: 'Wanda', email: `wanda@wingtip-${n}.example` },
  },
  subscriptionId: `sub_${n}`,
  minLicenses: 1,
  maxLicenses: 300,
  priceMinor: 1250,
  currency: 'USD',
  billingPeriodMs: 30 * DAY_MS,
  cancellationWindowMs: 7 * DAY_MS,
  partnerEmail: 'admin@partner.example',
  by: 'usr_advisor',
});

export async function refusal(update: Promise<unknown>): Promise<{ type: string | undefined | null; message: string; details: unknown[] }> {
  try {
    await update;
  } catch (err) {
    // refused by the validator or the handler, or by an activity the handler ran
    const cause = err instanceof WorkflowUpdateFailedError ? (err.cause instanceof ActivityFailure ? err.cause.cause : err.cause) : undefined;
    if (cause instanceof ApplicationFailure) return { type: cause.type, message: cause.message, details: cause.details ? [...cause.details] : [] };
    throw err;
  }
  throw new Error('the update was accepted');
}

/** ms between two ISO times or epoch ms. */
export const ms = (t: string | number | Date) => (typeof t === 'number' ? t : t instanceof Date ? t.getTime() : Date.parse(t));

/** Workflow time may run a little behind or ahead of a timer's moment (the task starts after it fires). */
export const SLACK = 60_000;

/** `actual` is at `expected` or up to SLACK after it. */
export function expectNear(actual: string | number | Date | undefined, expected: number): void {
  expect(actual).toBeDefined();
  expect(ms(actual!)).toBeGreaterThanOrEqual(expected);
  expect(ms(actual!)).toBeLessThan(expected + SLACK);
}
