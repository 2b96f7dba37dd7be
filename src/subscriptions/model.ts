import { Schema, type InferSchemaType } from 'mongoose';

export const SUBSCRIPTION_STATUSES = ['trial', 'active', 'suspended', 'removed', 'cancelled'] as const;

/** A customer's subscription to one SKU; written only by its workflows' activities. */
export const subscriptionSchema = new Schema(
  {
    _id: { type: String, required: true },
    customerId: { type: String, required: true },
    /** The partner of record (advisor) notified of every change. */
    partnerId: { type: String, required: true },
    sku: { type: String, required: true },
    status: { type: String, required: true, enum: SUBSCRIPTION_STATUSES },
    licenses: { type: Number, required: true, min: 0 },
    trialEndsAt: { type: Date },
    purchasedAt: { type: Date },
    updatedAt: { type: Date, required: true },
    createdAt: { type: Date, required: true },
    revision: { type: Number, required: true, min: 1 },
  },
  { collection: 'subscriptions', versionKey: false, strict: 'throw' },
);

subscriptionSchema.index({ customerId: 1, _id: 1 });
subscriptionSchema.index({ partnerId: 1, customerId: 1 });

export type SubscriptionDoc = InferSchemaType<typeof subscriptionSchema> & { _id: string };
