import { z } from 'zod';
import { cursor, id, pageLimit } from '../api/schemas';
import { delegatedAdminOptionSchema } from '../delegated-admin/schemas';
import { newCustomerSchema } from '../links/schemas';
import { billingSchema } from '../offers/schemas';
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

export const keyParams = z.strictObject({
  key: z
    .string()
    .regex(/^[A-Za-z0-9]{5}(-[A-Za-z0-9]{5}){4}$/, 'must be a product key: five groups of five letters and digits, with dashes')
    .transform((k) => k.toUpperCase())
    .meta({ description: 'The key, as ABCDE-12345-FGHIJ-67890-KLMNO' }),
});

export const redeemKeySchema = z
  .strictObject({
    customerId: id('a customer id').optional().meta({ description: 'An existing customer of the partner (one of its customers) the subscription is for' }),
    customer: newCustomerSchema.optional().meta({
      description: 'A new customer tenant the subscription is for (its customer token is in the answer, this once: hand it to the customer)',
    }),
    billing: billingSchema,
    delegatedAdmin: delegatedAdminOptionSchema
      .optional()
      .meta({ description: 'Ask the customer for delegated administration at the same time (it approves it: approval pending until then)' }),
  })
  .refine((r) => (r.customerId === undefined) !== (r.customer === undefined), {
    path: ['customerId'],
    message: 'name an existing customer (customerId) or describe a new one (customer), not both',
  });

export const redemptionOut = z.object({
  key: z.string(),
  customer: z.object({ id: z.string(), name: z.string(), domain: z.string() }),
  created: z.boolean().meta({ description: 'The customer tenant was made by this redemption' }),
  subscription: z
    .object({ subscriptionId: z.string(), sku: z.string(), licenses: z.number().int() })
    .meta({ description: 'The subscription it set up (the partner is its partner of record); a running trial of the same service converts' }),
  delegatedAdmin: z.object({ relationshipId: z.string(), status: z.enum(['active', 'approval-pending']) }).optional(),
  redeemedAt: z.string(),
  token: z.string().optional().meta({ description: "A new customer's token: returned only when this redemption made the tenant, this once" }),
});

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
