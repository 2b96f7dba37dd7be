import { Schema, type InferSchemaType } from 'mongoose';
import { CLOUDS } from '../partners/model';

export const CATEGORIES = ['suite', 'mail', 'storage', 'voice', 'security', 'add-on'] as const;

const moneySchema = new Schema(
  {
    /** Minor units (cents, fen) per license and month. */
    amount: { type: Number, required: true, min: 0 },
    currency: { type: String, required: true, match: /^[A-Z]{3}$/ },
  },
  { _id: false },
);

/** A service a partner can offer; `_id` is its SKU. */
export const catalogServiceSchema = new Schema(
  {
    _id: { type: String, required: true },
    name: { type: String, required: true },
    category: { type: String, required: true, enum: CATEGORIES },
    description: { type: String, required: true },
    clouds: { type: [{ type: String, enum: CLOUDS }], required: true },
    /** Price per license and month in each cloud where it is sold. */
    prices: { type: Map, of: moneySchema, required: true },
    trial: {
      available: { type: Boolean, required: true },
      lengthDays: { type: Number, min: 1, max: 365 },
      licenseCount: { type: Number, min: 1 },
    },
    minLicenses: { type: Number, required: true, min: 1 },
    maxLicenses: { type: Number, required: true, min: 1 },
  },
  { collection: 'catalog', versionKey: false, strict: 'throw' },
);

catalogServiceSchema.index({ clouds: 1 });

export type CatalogServiceDoc = InferSchemaType<typeof catalogServiceSchema> & { _id: string };
