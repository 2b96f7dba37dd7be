import type { LifecycleEvent } from '../events/types';
import type { KeyRedemption } from './messages';

/**
 * The key as events show it: all but its last group hidden. Webhook bodies leave offerflow and
 * are retried and logged for days at the partner's end; the last group, with the SKU and the
 * subscription, is enough to tell which of its keys it was (the key list searches by part of a key).
 */
export const maskedKey = (key: string): string => key.replace(/^.*-/, (hidden) => hidden.replace(/[^-]/g, '*'));

/** A partner redeemed one of its keys: the customer it was for and the subscription it set up. */
export const keyRedeemed = (partnerId: string, r: KeyRedemption): LifecycleEvent => ({
  type: 'product-key.redeemed',
  partnerId,
  customerId: r.customerId,
  subject: { kind: 'subscription', id: r.subscription.subscriptionId },
  data: {
    key: maskedKey(r.key),
    customerId: r.customerId,
    newCustomer: r.created,
    subscriptionId: r.subscription.subscriptionId,
    sku: r.subscription.sku,
    licenses: r.subscription.licenses,
    delegatedAdmin: r.delegatedAdmin,
    redeemedAt: r.redeemedAt,
  },
});
