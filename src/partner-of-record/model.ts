import { recordSchema } from '../db/record';
import { PARTNER_OF_RECORD_REQUEST_STATUSES, type PartnerOfRecordRequestStatus } from '../../workflows/subscriptions/types';

/**
 * A customer's request that another partner become the partner of record of one of its
 * subscriptions; written only by the subscription's workflow (asked, then accepted, declined,
 * lapsed or withdrawn). The asked partner reads it (GET /v1/partner-of-record-requests).
 */
export interface PartnerOfRecordRequestDoc {
  _id: string;
  subscriptionId: string;
  customerId: string;
  sku: string;
  /** The partner of record when it was asked (null: none). */
  fromPartnerId: string | null;
  /** The asked partner, which alone may answer. */
  toPartnerId: string;
  status: PartnerOfRecordRequestStatus;
  expiresAt: Date;
  answeredAt?: Date;
  createdAt: Date;
  updatedAt: Date;
  revision: number;
}

export const partnerOfRecordRequestSchema = recordSchema<PartnerOfRecordRequestDoc>(
  {
    _id: { type: String, required: true },
    subscriptionId: { type: String, required: true },
    customerId: { type: String, required: true },
    sku: { type: String, required: true },
    fromPartnerId: { type: String, default: null },
    toPartnerId: { type: String, required: true },
    status: { type: String, required: true, enum: PARTNER_OF_RECORD_REQUEST_STATUSES },
    expiresAt: { type: Date, required: true },
    answeredAt: { type: Date },
    createdAt: { type: Date, required: true },
    updatedAt: { type: Date, required: true },
    revision: { type: Number, required: true, min: 1 },
  },
  { collection: 'partner_of_record_requests' },
);

partnerOfRecordRequestSchema.index({ toPartnerId: 1, _id: -1 });
