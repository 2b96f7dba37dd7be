import { partSchema, recordSchema } from '../db/record';
import { delegatedAdminOptionPart } from '../delegated-admin/model';
import type { DelegatedAdminOption } from '../../workflows/delegated-admin/types';
import { OFFER_STATUSES, type OfferState } from '../../workflows/offers/types';

export interface OfferLine {
  sku: string;
  licenses: number;
}

const lineSchema = partSchema<OfferLine>({ sku: { type: String, required: true }, licenses: { type: Number, required: true, min: 1 } });

/** A purchase offer as the partner made it (its definition; each customer's status is in offer_recipients). */
export interface OfferDoc {
  _id: string;
  partnerId: string;
  code: string;
  items: OfferLine[];
  createdBy: string;
  createdAt: Date;
  expiresAt: Date;
  billingPeriodMs: number;
  cancellationWindowMs: number;
  revokedAt?: Date;
  revokedBy?: string;
  /** Any customer of the partner with the link may accept it, not only those it was sent to. */
  published?: boolean;
  /** The delegated administration it asks for (kept for the customers who accept a published offer). */
  delegatedAdmin?: DelegatedAdminOption;
}

export const offerSchema = recordSchema<OfferDoc>(
  {
    _id: { type: String, required: true },
    partnerId: { type: String, required: true },
    code: { type: String, required: true },
    items: { type: [lineSchema], required: true },
    createdBy: { type: String, required: true },
    createdAt: { type: Date, required: true },
    expiresAt: { type: Date, required: true },
    billingPeriodMs: { type: Number, required: true },
    cancellationWindowMs: { type: Number, required: true },
    revokedAt: { type: Date },
    revokedBy: { type: String },
    published: { type: Boolean },
    delegatedAdmin: { type: delegatedAdminOptionPart },
  },
  { collection: 'offers' },
);

offerSchema.index({ code: 1 }, { unique: true });
offerSchema.index({ partnerId: 1, _id: -1 });

type BoughtSubscription = NonNullable<OfferState['subscriptions']>[number];

/** One customer's view of an offer (its offer workflow's state); written by that workflow. */
export interface OfferRecipientDoc extends OfferState {
  /** `<offerId>|<customerId>` */
  _id: string;
  revision: number;
}

export const offerRecipientSchema = recordSchema<OfferRecipientDoc>(
  {
    _id: { type: String, required: true },
    offerId: { type: String, required: true },
    partnerId: { type: String, required: true },
    customerId: { type: String, required: true },
    status: { type: String, required: true, enum: OFFER_STATUSES },
    items: { type: [lineSchema], required: true },
    expiresAt: { type: String, required: true },
    sentAt: { type: String, required: true },
    endedAt: { type: String },
    endedBy: { type: String },
    supersededBy: { type: String },
    subscriptions: {
      type: [
        partSchema<BoughtSubscription>({
          subscriptionId: { type: String, required: true },
          sku: { type: String, required: true },
          licenses: { type: Number, required: true },
        }),
      ],
      default: undefined,
    },
    revision: { type: Number, required: true, min: 1 },
  },
  { collection: 'offer_recipients' },
);

offerRecipientSchema.index({ offerId: 1, _id: 1 });
// a customer's open offers from a partner (those sent before onboardings kept track of them)
offerRecipientSchema.index({ partnerId: 1, customerId: 1, status: 1 });
