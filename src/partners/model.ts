import { Schema, type InferSchemaType } from 'mongoose';

export const CLOUDS = ['global', 'sovereign'] as const;
export type Cloud = (typeof CLOUDS)[number];

/** What the platform operator grants a partner, each independently. */
export const AUTHORISATIONS = ['subscription-advisor', 'delegated-admin-certified', 'authorised-service-provider'] as const;
export type Authorisation = (typeof AUTHORISATIONS)[number];

export const AUTHORISATION_NAMES: Record<Authorisation, string> = {
  'subscription-advisor': 'subscription advisor',
  'delegated-admin-certified': 'delegated-admin certified',
  'authorised-service-provider': 'authorised service provider',
};

const addressSchema = new Schema(
  {
    line1: { type: String, required: true },
    line2: { type: String },
    city: { type: String, required: true },
    region: { type: String },
    postalCode: { type: String, required: true },
    /** ISO 3166-1 alpha-2 */
    country: { type: String, required: true, match: /^[A-Z]{2}$/ },
  },
  { _id: false },
);

/** The company profile customers see wherever the partner is shown to them. */
const profileSchema = new Schema(
  {
    name: { type: String, required: true },
    phone: { type: String, required: true },
    email: { type: String, required: true },
    website: { type: String, required: true },
    address: { type: addressSchema, required: true },
  },
  { _id: false },
);

export const partnerSchema = new Schema(
  {
    _id: { type: String, required: true },
    cloud: { type: String, required: true, enum: CLOUDS },
    profile: { type: profileSchema, required: true },
    authorisations: { type: [{ type: String, enum: AUTHORISATIONS }], default: [] },
    createdAt: { type: Date, required: true },
    updatedAt: { type: Date, required: true },
  },
  { collection: 'partners', versionKey: false, strict: 'throw' },
);

export type PartnerDoc = InferSchemaType<typeof partnerSchema> & { _id: string };
