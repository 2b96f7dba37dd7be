import type { z } from 'zod';
import type { KeyRegistrationDoc, ProductKeyDoc } from './model';
import type { productKeyOut, registrationOut } from './schemas';

export function presentRegistration(r: KeyRegistrationDoc): z.infer<typeof registrationOut> {
  return {
    id: r._id,
    sku: r.sku,
    licenses: r.licenses,
    status: r.status,
    total: r.total,
    processed: r.processed,
    registered: r.registered,
    refused: r.refused.map(({ line, text, reason }) => ({ line, text: text ?? '', reason })),
    createdAt: r.createdAt.toISOString(),
    finishedAt: r.finishedAt?.toISOString(),
  };
}

export function presentProductKey(k: ProductKeyDoc): z.infer<typeof productKeyOut> {
  return {
    key: k._id,
    sku: k.sku,
    licenses: k.licenses,
    state: k.state,
    registeredAt: k.registeredAt.toISOString(),
    registrationId: k.registrationId,
    redeemedAt: k.redeemedAt?.toISOString(),
    redeemedBy: k.redeemedBy,
    customerId: k.customerId,
    subscriptionId: k.subscriptionId,
  };
}
