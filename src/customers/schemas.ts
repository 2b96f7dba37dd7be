import { z } from 'zod';
import { cursor, id, pageLimit, text } from '../api/schemas';
import { sku } from '../catalog/schemas';
import { CUSTOMER_STATUSES } from './directory/model';
import { MIN_QUERY_LENGTH, normalize } from './directory/terms';

export const customerQuery = z.strictObject({
  q: text(100)
    .refine((q) => Array.from(normalize(q)).length >= MIN_QUERY_LENGTH, `must be at least ${MIN_QUERY_LENGTH} characters`)
    .optional()
    .meta({ description: 'Any part of the name or domain, case- and accent-insensitive (at least 2 characters)' }),
  status: z.enum(CUSTOMER_STATUSES).optional(),
  sku: sku.optional().meta({ description: 'Only customers with a subscription to this SKU' }),
  limit: pageLimit,
  cursor,
});

export const customerParams = z.strictObject({ customerId: id('a customer id') });

export const customerOut = z.object({
  id: z.string(),
  name: z.string(),
  domain: z.string(),
  cloud: z.string(),
  status: z.enum(CUSTOMER_STATUSES),
  stage: z.string(),
  skus: z.array(z.string()),
  createdAt: z.string(),
  updatedAt: z.string(),
});

export const timelineEventOut = z.object({ stage: z.string(), at: z.string(), by: z.string(), detail: z.string().optional(), workflowId: z.string() });
