import { recordSchema } from '../db/record';
import { SUBSCRIPTION_STATUSES, type SubscriptionStatus } from '../../workflows/subscriptions/types';

/** A customer's subscription to one SKU; written only by its workflows' activities (the trial's onboarding, then its own). */
export interface SubscriptionDoc {
  _id: string;
  customerId: string;
  /** The partner of record (advisor) notified of every change. */
  partnerId: string;
  sku: string;
  status: SubscriptionStatus;
  licenses: number;
  trialEndsAt?: Date;
  purchasedAt?: Date;
  /** Paid subscriptions: whether it renews at the end of each billing period, renewals so far, and when the current period ends. */
  autoRenew?: boolean;
  renewals?: number;
  periodEndsAt?: Date;
  /** When it ended, not renewed. */
  endedAt?: Date;
  /** The partner of record now, told of every change (paid subscriptions; null: the customer removed it). */
  partnerOfRecordId?: string | null;
  updatedAt: Date;
  createdAt: Date;
  revision: number;
}

export const subscriptionSchema = recordSchema<SubscriptionDoc>(
  {
    _id: { type: String, required: true },
    customerId: { type: String, required: true },
    partnerId: { type: String, required: true },
    sku: { type: String, required: true },
    status: { type: String, required: true, enum: SUBSCRIPTION_STATUSES },
    licenses: { type: Number, required: true, min: 0 },
    trialEndsAt: { type: Date },
    purchasedAt: { type: Date },
    autoRenew: { type: Boolean },
    renewals: { type: Number, min: 0 },
    periodEndsAt: { type: Date },
    endedAt: { type: Date },
    partnerOfRecordId: { type: String },
    updatedAt: { type: Date, required: true },
    createdAt: { type: Date, required: true },
    revision: { type: Number, required: true, min: 1 },
  },
  { collection: 'subscriptions' },
);

subscriptionSchema.index({ customerId: 1, _id: 1 });
subscriptionSchema.index({ partnerId: 1, customerId: 1 });
subscriptionSchema.index({ partnerOfRecordId: 1, _id: 1 });
