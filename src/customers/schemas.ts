import { z } from 'zod';
import { cursor, id, pageLimit, text } from '../api/schemas';
import { sku } from '../catalog/schemas';
import { Stage } from '../../workflows/stages';
import { CUSTOMER_SORTS, CUSTOMER_STATUSES, DELEGATED_ADMIN_STATES, REQUEST_SEVERITIES } from './directory/model';
import { MIN_QUERY_LENGTH, normalize } from './directory/terms';

export const customerQuery = z.strictObject({
  q: text(100)
    .refine((q) => Array.from(normalize(q)).length >= MIN_QUERY_LENGTH, `must be at least ${MIN_QUERY_LENGTH} characters`)
    .optional()
    .meta({ description: 'Any part of the name or domain, case- and accent-insensitive (at least 2 characters)' }),
  status: z.enum(CUSTOMER_STATUSES).optional(),
  sku: sku.optional().meta({ description: 'Only customers with a subscription to this SKU' }),
  stage: z
    .enum(Object.values(Stage) as [Stage, ...Stage[]])
    .optional()
    .meta({ description: 'Only customers at this stage of their onboarding' }),
  delegatedAdmin: z.enum(DELEGATED_ADMIN_STATES).optional().meta({ description: 'Only customers whose delegated administration is in this state' }),
  openRequests: z
    .enum(['any', ...REQUEST_SEVERITIES])
    .optional()
    .meta({ description: 'Only customers with open service requests (`any`), or with open requests of this severity' }),
  sort: z
    .enum(CUSTOMER_SORTS)
    .optional()
    .meta({ description: '`newest` (default): newest customers first; `name`: by name; `lastActivity`: most recent activity first' }),
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
  delegatedAdmin: z.object({ state: z.enum(DELEGATED_ADMIN_STATES), endsAt: z.string().optional() }),
  openRequests: z.object({ critical: z.number().int(), moderate: z.number().int(), minimal: z.number().int() }),
  createdAt: z.string(),
  updatedAt: z.string(),
  lastActivityAt: z.string(),
});

export const customerSummaryOut = z.object({
  id: z.string(),
  subscriptions: z.array(
    z.object({
      id: z.string(),
      sku: z.string(),
      status: z.string(),
      licenses: z.number().int(),
      licensesUsed: z.number().int().meta({ description: "The customer's users assigned this SKU" }),
      licensesFree: z.number().int().meta({ description: 'Licenses not assigned (0 when more are assigned than bought)' }),
    }),
  ),
  relationship: z
    .object({ id: z.string(), status: z.string(), role: z.enum(['full', 'limited']).optional(), endsAt: z.string().optional() })
    .nullable()
    .meta({ description: 'The current (or else the latest) delegated-admin relationship with this partner; null when none was asked' }),
  openRequests: z.object({ critical: z.number().int(), moderate: z.number().int(), minimal: z.number().int(), total: z.number().int() }),
  lastActivityAt: z.string().nullable().meta({ description: 'The latest change published for the customer; null while its listing catches up' }),
});

export const timelineEventOut = z.object({ stage: z.string(), at: z.string(), by: z.string(), detail: z.string().optional(), workflowId: z.string() });
