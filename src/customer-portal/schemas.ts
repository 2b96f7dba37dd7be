import { z } from 'zod';
import { email, id, text } from '../api/schemas';
import { sku } from '../catalog/schemas';

export const subscriptionParams = z.strictObject({ subscriptionId: id('a subscription id') });

export const changeLicensesSchema = z.strictObject({ licenses: z.number().int().min(0).max(100_000) });

export const previewQuery = z.strictObject({ licenses: z.coerce.number().int().min(0).max(100_000) });

export const createCustomerUserSchema = z.strictObject({
  email,
  displayName: text(200),
  skus: z.array(sku).max(20).default([]).meta({ description: 'SKUs whose licenses are assigned to this user' }),
});

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
