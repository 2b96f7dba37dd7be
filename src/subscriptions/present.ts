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
    createdAt: s.createdAt.toISOString(),
    updatedAt: s.updatedAt.toISOString(),
  };
}
