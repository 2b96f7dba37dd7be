import { z } from 'zod';
import { cursor, id, pageLimit } from '../api/schemas';
import { KEY_REFUSALS } from './format';
import { KEY_REGISTRATION_STATUSES, PRODUCT_KEY_STATES } from './model';

/** Keys a registration may carry at most. */
export const MAX_KEYS_PER_REGISTRATION = 10_000;

export const registerKeysSchema = z.strictObject({
  sku: z.string().min(1).max(64).meta({ description: 'The service the keys are for (from the catalog of the partner’s cloud)' }),
  licenses: z.number().int().min(1).max(100_000).default(1).meta({ description: 'Licenses each key grants; default 1' }),
  keys: z
    .array(z.string().max(200))
    .min(1)
    .max(MAX_KEYS_PER_REGISTRATION)
    .meta({
      description:
        'One key a line: 25 letters and digits in five groups of five (ABCDE-12345-FGHIJ-67890-KLMNO; case, surrounding spaces and the dashes are not significant). ' +
        'Malformed lines, repeats and keys registered already (by anyone) are refused line by line; the others are registered.',
    }),
});

export const registrationParams = z.strictObject({ registrationId: id('a product key registration id') });

export const listKeysQuery = z.strictObject({
  state: z.enum(PRODUCT_KEY_STATES).optional(),
  q: z
    .string()
    .trim()
    .min(2)
    .max(29)
    .regex(/^[A-Za-z0-9-]+$/, 'letters, digits and dashes')
    .optional()
    .meta({ description: 'A part of the key (letters, digits, dashes; case is not significant)' }),
  limit: pageLimit,
  cursor,
});

export const refusedLineOut = z.object({ line: z.number().int(), text: z.string(), reason: z.enum(KEY_REFUSALS) });

export const registrationOut = z.object({
  id: z.string(),
  sku: z.string(),
  licenses: z.number().int(),
  status: z.enum(KEY_REGISTRATION_STATUSES).meta({ description: 'running while its job registers the lines; done once every line is registered or refused' }),
  total: z.number().int(),
  processed: z.number().int(),
  registered: z.number().int(),
  refused: z.array(refusedLineOut),
  createdAt: z.string(),
  finishedAt: z.string().optional(),
});

export const productKeyOut = z.object({
  key: z.string(),
  sku: z.string(),
  licenses: z.number().int(),
  state: z.enum(PRODUCT_KEY_STATES),
  registeredAt: z.string(),
  registrationId: z.string(),
  redeemedAt: z.string().optional(),
  redeemedBy: z.string().optional(),
  customerId: z.string().optional(),
  subscriptionId: z.string().optional(),
});
