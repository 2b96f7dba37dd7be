import { DAY_MS } from '../durations';
import type { EventType, LifecycleEvent } from '../events/types';
import type { OfferInput, OfferState } from './types';

/**
 * An event of one customer's offer: its lines with the counts it holds now (the customer's, once
 * accepted) and the catalog prices it was sent with, and the monthly total those come to.
 */
export function offerEvent(
  type: Extract<EventType, `offer.${string}`>,
  input: OfferInput,
  state: OfferState,
  more: Record<string, unknown> = {},
): LifecycleEvent {
  const items = input.items.map(({ sku, licenses, priceMinor, currency }) => {
    const n = state.items.find((i) => i.sku === sku)?.licenses ?? licenses;
    return { sku, licenses: n, monthlyPricePerLicense: { amount: priceMinor, currency }, monthly: { amount: n * priceMinor, currency } };
  });
  return {
    type,
    partnerId: input.partnerId,
    customerId: input.customerId,
    subject: { kind: 'offer', id: input.offerId },
    data: {
      offerId: input.offerId,
      customerId: input.customerId,
      status: state.status,
      items,
      totals: { monthly: { amount: items.reduce((sum, i) => sum + i.monthly.amount, 0), currency: input.items[0]?.currency } },
      billingPeriodDays: Math.round((input.billingPeriodMs / DAY_MS) * 100) / 100,
      sentAt: state.sentAt,
      expiresAt: state.expiresAt,
      ...(state.endedAt ? { endedAt: state.endedAt } : {}),
      ...more,
    },
  };
}
