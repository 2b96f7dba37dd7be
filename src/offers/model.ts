import { Schema, type InferSchemaType } from 'mongoose';

const itemSchema = new Schema(
  { sku: { type: String, required: true }, licenses: { type: Number, required: true, min: 1 } },
  { _id: false },
);

/** A purchase offer as the partner made it (its definition; each customer's status is in offer_recipients). */
export const offerSchema = new Schema(
  {
    _id: { type: String, required: true },
    partnerId: { type: String, required: true },
    code: { type: String, required: true },
    items: { type: [itemSchema], required: true },
    createdBy: { type: String, required: true },
    createdAt: { type: Date, required: true },
    expiresAt: { type: Date, required: true },
    billingPeriodMs: { type: Number, required: true },
    cancellationWindowMs: { type: Number, required: true },
    revokedAt: { type: Date },
    revokedBy: { type: String },
  },
  { collection: 'offers', versionKey: false, strict: 'throw' },
);

offerSchema.index({ code: 1 }, { unique: true });
offerSchema.index({ partnerId: 1, _id: -1 });

export type OfferDoc = InferSchemaType<typeof offerSchema> & { _id: string };

/** One customer's view of an offer; written by that customer's offer workflow. */
export const offerRecipientSchema = new Schema(
  {
    /** `<offerId>|<customerId>` */
    _id: { type: String, required: true },
    offerId: { type: String, required: true },
    partnerId: { type: String, required: true },
    customerId: { type: String, required: true },
    status: { type: String, required: true, enum: ['sent', 'accepted', 'declined', 'superseded', 'revoked', 'expired'] },
    items: { type: [itemSchema], required: true },
    expiresAt: { type: String, required: true },
    sentAt: { type: String, required: true },
    endedAt: { type: String },
    endedBy: { type: String },
    supersededBy: { type: String },
    subscriptions: {
      type: [new Schema({ subscriptionId: String, sku: String, licenses: Number }, { _id: false })],
      default: undefined,
    },
    revision: { type: Number, required: true, min: 1 },
  },
  { collection: 'offer_recipients', versionKey: false, strict: 'throw' },
);

offerRecipientSchema.index({ offerId: 1, _id: 1 });
// a customer's open offers from a partner, to supersede
offerRecipientSchema.index({ partnerId: 1, customerId: 1, status: 1 });

export type OfferRecipientDoc = InferSchemaType<typeof offerRecipientSchema> & { _id: string };
