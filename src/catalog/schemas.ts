import { z } from 'zod';
import { CATEGORIES } from './model';

export const SKU_PATTERN = /^[A-Z0-9][A-Z0-9-]{1,63}$/;
export const sku = z.string().regex(SKU_PATTERN, 'must be a catalog SKU (upper-case letters, digits, dashes)');

export const skuParams = z.strictObject({ sku });

export const catalogQuery = z.strictObject({
  category: z.enum(CATEGORIES).optional(),
  trial: z.enum(['true', 'false']).optional().meta({ description: 'Only services with (true) or without (false) a trial' }),
});

export const catalogServiceOut = z.object({
  sku: z.string(),
  name: z.string(),
  category: z.enum(CATEGORIES),
  description: z.string(),
  price: z.object({ amount: z.number().int().meta({ description: 'Minor units (cents) per license and month' }), currency: z.string() }),
  trial: z.object({ available: z.boolean(), lengthDays: z.number().int().optional(), licenseCount: z.number().int().optional() }),
  minLicenses: z.number().int(),
  maxLicenses: z.number().int(),
});
