import { z } from 'zod';
import { id, queryInteger } from '../api/schemas';
import type { ProblemSlug } from '../api/problem-types';

export const subscriptionParams = z.strictObject({ subscriptionId: id('a subscription id') });

export const changeLicensesSchema = z.strictObject({ licenses: z.number().int().min(0).max(100_000) });

export const renewalSchema = z.strictObject({
  autoRenew: z.boolean().meta({ description: 'false: the subscription ends at the end of its current billing period; true: it renews again' }),
});

/** What a license change may be refused with, whoever asks for it. */
export const licenseChangeProblems: ProblemSlug[] = [
  'license-count-out-of-bounds',
  'license-decrease-not-allowed',
  'license-count-below-assigned',
  'license-count-unchanged',
  'subscription-not-active',
];

export const previewQuery = z.strictObject({ licenses: queryInteger(0, 100_000) });

export const pricePreviewOut = z.object({
  currentLicenses: z.number().int(),
  newLicenses: z.number().int(),
  proratedAmount: z.number().int().meta({ description: 'Minor units to the end of the billing period; negative is a refund' }),
  currency: z.string(),
  periodStartsAt: z.string(),
  periodEndsAt: z.string(),
  decreaseAllowed: z.boolean(),
  cancellationWindowEndsAt: z.string(),
});
