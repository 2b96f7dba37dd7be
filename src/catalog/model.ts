import { partSchema, recordSchema } from '../db/record';
import { CLOUDS, type Cloud } from '../partners/model';

export const CATEGORIES = ['suite', 'mail', 'storage', 'voice', 'security', 'add-on'] as const;

export interface Money {
  /** Minor units (cents, fen) per license and month. */
  amount: number;
  currency: string;
}

/** A service a partner can offer; `_id` is its SKU. */
export interface CatalogServiceDoc {
  _id: string;
  name: string;
  category: (typeof CATEGORIES)[number];
  description: string;
  clouds: Cloud[];
  /** Price per license and month in each cloud where it is sold (a Map in mongoose, a plain object when read lean). */
  prices: Partial<Record<Cloud, Money>> | Map<string, Money>;
  trial: { available: boolean; lengthDays?: number; licenseCount?: number };
  minLicenses: number;
  maxLicenses: number;
}

const moneySchema = partSchema<Money>({
  amount: { type: Number, required: true, min: 0 },
  currency: { type: String, required: true, match: /^[A-Z]{3}$/ },
});

export const catalogServiceSchema = recordSchema<CatalogServiceDoc>(
  {
    _id: { type: String, required: true },
    name: { type: String, required: true },
    category: { type: String, required: true, enum: CATEGORIES },
    description: { type: String, required: true },
    clouds: { type: [{ type: String, enum: CLOUDS }], required: true },
    prices: { type: Map, of: moneySchema, required: true },
    trial: {
      available: { type: Boolean, required: true },
      lengthDays: { type: Number, min: 1, max: 365 },
      licenseCount: { type: Number, min: 1 },
    },
    minLicenses: { type: Number, required: true, min: 1 },
    maxLicenses: { type: Number, required: true, min: 1 },
  },
  { collection: 'catalog' },
);

catalogServiceSchema.index({ clouds: 1 });
