import { z } from 'zod';
import { DAY_S as DAY } from '../../workflows/durations';
import { RELATIONSHIP_STATUSES } from '../../workflows/delegated-admin/types';
import { id } from '../api/schemas';

/**
 * Delegated administration asked for (with a trial, an offer, or on its own).
 * Durations are data: days for people, seconds where tests need them.
 */
export const delegatedAdminOptionSchema = z
  .strictObject({
    role: z.enum(['full', 'limited']).default('full').meta({
      description: "What the partner's users may do in the customer: full (as a global admin) or limited (as a password admin: password resets only)",
    }),
    durationDays: z.number().int().min(1).max(730).default(730).meta({ description: 'How long the relationship lasts once accepted: 1 to 730 days' }),
    autoExtend: z.boolean().default(false).meta({ description: 'Extend by 180 days when it would expire' }),
    durationSeconds: z
      .number()
      .int()
      .min(1)
      .max(730 * DAY)
      .optional()
      .meta({ description: 'Instead of durationDays, for short test relationships' }),
    noticeSeconds: z
      .number()
      .int()
      .min(0)
      .max(90 * DAY)
      .default(7 * DAY)
      .meta({ description: 'The expiry notice goes out this long before the end' }),
    approvalTimeoutSeconds: z
      .number()
      .int()
      .min(1)
      .max(90 * DAY)
      .default(90 * DAY)
      .meta({ description: 'A request neither accepted nor declined lapses after this (90 days at most)' }),
    extensionSeconds: z
      .number()
      .int()
      .min(1)
      .max(730 * DAY)
      .default(180 * DAY),
  })
  .meta({ description: 'Ask for delegated administration (delegated-admin certified partners only)' });

export const relationshipParams = z.strictObject({ relationshipId: id('a relationship id') });

export const relationshipOut = z.object({
  id: z.string(),
  partnerId: z.string(),
  customerId: z.string(),
  status: z.enum(RELATIONSHIP_STATUSES),
  requestedAt: z.string(),
  acceptedAt: z.string().optional(),
  endsAt: z.string().optional(),
  endedAt: z.string().optional(),
  endedBy: z.string().optional(),
  extensions: z.number().int(),
  autoExtend: z.boolean(),
  workflowId: z.string(),
});
