import { z } from 'zod';
import { DAY_S as DAY } from '../../workflows/durations';
import { cursor, id, pageLimit } from '../api/schemas';
import { sku } from '../catalog/schemas';
import { delegatedAdminOptionSchema } from '../delegated-admin/schemas';

export const offerParams = z.strictObject({ offerId: id('an offer id') });

/** How the subscriptions a purchase sets up are billed (durations are data: tests bill in seconds). */
export const billingSchema = z
  .strictObject({
    periodSeconds: z
      .number()
      .int()
      .min(1)
      .max(366 * DAY)
      .default(30 * DAY)
      .meta({ description: 'Billing period (renewal) of the subscriptions bought; default 30 days' }),
    cancellationWindowSeconds: z
      .number()
      .int()
      .min(0)
      .max(366 * DAY)
      .default(7 * DAY)
      .meta({ description: 'Licenses may go down only this long after purchase or renewal; default 7 days' }),
  })
  .default({ periodSeconds: 30 * DAY, cancellationWindowSeconds: 7 * DAY });

export const createOfferSchema = z
  .strictObject({
    customerIds: z
      .array(id('a customer id'))
      .max(50)
      .default([])
      .refine((xs) => new Set(xs).size === xs.length, 'must not repeat a customer')
      .meta({ description: "The partner's customers the offer is sent to (each gets it by e-mail, with the link); may be empty for a published offer" }),
    published: z.boolean().default(false).meta({
      description:
        'Publish the link: anyone who opens it may accept it, not only the customers it was sent to. A company new to the partner becomes its customer through it (a new tenant, or a customer of the same cloud with its token), without a trial',
    }),
    items: z
      .array(z.strictObject({ sku, licenses: z.number().int().min(1).max(100_000) }))
      .min(1)
      .max(10)
      .refine((xs) => new Set(xs.map((x) => x.sku)).size === xs.length, 'must not repeat a SKU'),
    expiresInSeconds: z
      .number()
      .int()
      .min(1)
      .max(365 * DAY)
      .default(30 * DAY),
    billing: billingSchema,
    delegatedAdmin: delegatedAdminOptionSchema.optional(),
  })
  .refine((o) => o.published || o.customerIds.length > 0, { path: ['customerIds'], message: 'name at least one customer, or publish the offer' });

export const listOffersQuery = z.strictObject({ limit: pageLimit, cursor });

const itemOut = z.object({ sku: z.string(), licenses: z.number().int() });

export const recipientOut = z.object({
  customerId: z.string(),
  status: z.enum(['sent', 'accepted', 'declined', 'superseded', 'revoked', 'expired']),
  items: z.array(itemOut),
  endedAt: z.string().optional(),
  endedBy: z.string().optional(),
  supersededBy: z.string().optional(),
  subscriptions: z.array(z.object({ subscriptionId: z.string(), sku: z.string(), licenses: z.number().int() })).optional(),
  workflowId: z.string(),
});

export const offerOut = z.object({
  id: z.string(),
  url: z.string(),
  items: z.array(itemOut),
  createdBy: z.string(),
  createdAt: z.string(),
  expiresAt: z.string(),
  revokedAt: z.string().optional(),
  published: z.boolean().meta({
    description:
      'Anyone with the link may accept it: a customer of the partner, or a company that becomes one through it (a new tenant, or a customer of the same cloud with its token)',
  }),
  recipients: z.array(recipientOut).optional(),
});
