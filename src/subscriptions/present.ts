import { z } from 'zod';
import { SUBSCRIPTION_STATUSES } from '../../workflows/subscriptions/types';
import type { SubscriptionDoc } from './model';

export const subscriptionOut = z.object({
  id: z.string(),
  customerId: z.string(),
  partnerId: z.string(),
  sku: z.string(),
  status: z.enum(SUBSCRIPTION_STATUSES),
  licenses: z.number().int(),
  trialEndsAt: z.string().optional(),
  purchasedAt: z.string().optional(),
  autoRenew: z.boolean().optional().meta({ description: 'Whether it renews at the end of each billing period (paid subscriptions)' }),
  renewals: z.number().int().optional(),
  periodEndsAt: z.string().optional().meta({ description: 'When the current billing period ends: it renews then, or ends' }),
  endedAt: z.string().optional().meta({ description: 'When it ended, not renewed' }),
  partnerOfRecordId: z
    .string()
    .nullable()
    .optional()
    .meta({ description: 'The partner of record, told of every change (paid subscriptions; null: the customer removed it)' }),
  createdAt: z.string(),
  updatedAt: z.string(),
});

export function presentSubscription(s: SubscriptionDoc): z.infer<typeof subscriptionOut> {
  return {
    id: s._id,
    customerId: s.customerId,
    partnerId: s.partnerId,
    sku: s.sku,
    status: s.status,
    licenses: s.licenses,
    trialEndsAt: s.trialEndsAt?.toISOString(),
    purchasedAt: s.purchasedAt?.toISOString(),
    autoRenew: s.autoRenew,
    renewals: s.renewals,
    periodEndsAt: s.periodEndsAt?.toISOString(),
    endedAt: s.endedAt?.toISOString(),
    partnerOfRecordId: s.partnerOfRecordId,
    createdAt: s.createdAt.toISOString(),
    updatedAt: s.updatedAt.toISOString(),
  };
}
