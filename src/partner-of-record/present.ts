import { z } from 'zod';
import { PARTNER_OF_RECORD_REQUEST_STATUSES } from '../../workflows/subscriptions/types';
import type { PartnerOfRecordRequestDoc } from './model';

export const partnerOfRecordRequestOut = z.object({
  id: z.string(),
  subscriptionId: z.string(),
  customerId: z.string(),
  sku: z.string(),
  fromPartnerId: z.string().nullable().meta({ description: 'The partner of record when it was asked (null: none)' }),
  toPartnerId: z.string().meta({ description: 'The partner asked, which alone may answer' }),
  status: z.enum(PARTNER_OF_RECORD_REQUEST_STATUSES),
  expiresAt: z.string().meta({ description: 'When it lapses unanswered' }),
  answeredAt: z.string().optional().meta({ description: 'When it was accepted, declined, withdrawn or lapsed' }),
  createdAt: z.string(),
  updatedAt: z.string(),
});

export function presentPartnerOfRecordRequest(r: PartnerOfRecordRequestDoc): z.infer<typeof partnerOfRecordRequestOut> {
  return {
    id: r._id,
    subscriptionId: r.subscriptionId,
    customerId: r.customerId,
    sku: r.sku,
    fromPartnerId: r.fromPartnerId ?? null,
    toPartnerId: r.toPartnerId,
    status: r.status,
    expiresAt: r.expiresAt.toISOString(),
    answeredAt: r.answeredAt?.toISOString(),
    createdAt: r.createdAt.toISOString(),
    updatedAt: r.updatedAt.toISOString(),
  };
}
