import { partSchema, recordSchema } from '../db/record';
import { KEY_REFUSALS, type KeyRefusal } from './format';

export const PRODUCT_KEY_STATES = ['unused', 'redeemed'] as const;
export type ProductKeyState = (typeof PRODUCT_KEY_STATES)[number];

/** A product key a partner bought and registered; its id is the key itself, so that a key exists once anywhere. */
export interface ProductKeyDoc {
  _id: string;
  partnerId: string;
  sku: string;
  licenses: number;
  /** The registration that brought it in (a repeat of that registration finds it its own). */
  registrationId: string;
  registeredAt: Date;
  state: ProductKeyState;
  redeemedAt?: Date;
  redeemedBy?: string;
  customerId?: string;
  subscriptionId?: string;
  /** The redemption that redeemed it (a repeat of that request gets its result), and what it made. */
  redemptionId?: string;
  createdCustomer?: boolean;
  relationshipId?: string;
}

export const productKeySchema = recordSchema<ProductKeyDoc>(
  {
    _id: { type: String, required: true },
    partnerId: { type: String, required: true },
    sku: { type: String, required: true },
    licenses: { type: Number, required: true, min: 1 },
    registrationId: { type: String, required: true },
    registeredAt: { type: Date, required: true },
    state: { type: String, required: true, enum: PRODUCT_KEY_STATES },
    redeemedAt: { type: Date },
    redeemedBy: { type: String },
    customerId: { type: String },
    subscriptionId: { type: String },
    redemptionId: { type: String },
    createdCustomer: { type: Boolean },
    relationshipId: { type: String },
  },
  { collection: 'product_keys' },
);
productKeySchema.index({ partnerId: 1, _id: 1 });

/** A line of a registration that was not registered. */
export interface RefusedLine {
  /** 1-based, as the lines were sent. */
  line: number;
  /** The line as sent (at most 64 characters of it). */
  text: string;
  reason: KeyRefusal;
}

export const KEY_REGISTRATION_STATUSES = ['running', 'done'] as const;
export type KeyRegistrationStatus = (typeof KEY_REGISTRATION_STATUSES)[number];

/** A bulk registration of product keys, and how far its job got (its lines are kept apart: KeyRegistrationLinesDoc). */
export interface KeyRegistrationDoc {
  _id: string;
  partnerId: string;
  sku: string;
  licenses: number;
  /** Lines sent. */
  total: number;
  status: KeyRegistrationStatus;
  /** Lines looked at so far, registered so far, and those refused (in line order). */
  processed: number;
  registered: number;
  refused: RefusedLine[];
  createdBy: string;
  createdAt: Date;
  finishedAt?: Date;
}

export const keyRegistrationSchema = recordSchema<KeyRegistrationDoc>(
  {
    _id: { type: String, required: true },
    partnerId: { type: String, required: true },
    sku: { type: String, required: true },
    licenses: { type: Number, required: true, min: 1 },
    total: { type: Number, required: true, min: 1 },
    status: { type: String, required: true, enum: KEY_REGISTRATION_STATUSES },
    processed: { type: Number, required: true, min: 0 },
    registered: { type: Number, required: true, min: 0 },
    refused: {
      type: [
        partSchema<RefusedLine>({
          line: { type: Number, required: true },
          text: { type: String },
          reason: { type: String, required: true, enum: KEY_REFUSALS },
        }),
      ],
      required: true,
    },
    createdBy: { type: String, required: true },
    createdAt: { type: Date, required: true },
    finishedAt: { type: Date },
  },
  { collection: 'product_key_registrations' },
);
keyRegistrationSchema.index({ partnerId: 1, _id: 1 });

/** The lines of a registration as sent, written once: apart from its progress, which is written after every chunk. */
export interface KeyRegistrationLinesDoc {
  /** The registration's id. */
  _id: string;
  lines: string[];
}

export const keyRegistrationLinesSchema = recordSchema<KeyRegistrationLinesDoc>(
  { _id: { type: String, required: true }, lines: { type: [String], required: true } },
  { collection: 'product_key_registration_lines' },
);
