import { recordSchema, partSchema } from '../db/record';

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

export interface PostalAddress {
  line1: string;
  line2?: string;
  city: string;
  region?: string;
  postalCode: string;
  /** ISO 3166-1 alpha-2 */
  country: string;
}

/** The company profile customers see wherever the partner is shown to them. */
export interface CompanyProfile {
  name: string;
  phone: string;
  email: string;
  website: string;
  address: PostalAddress;
}

export interface PartnerDoc {
  _id: string;
  cloud: Cloud;
  profile: CompanyProfile;
  authorisations: Authorisation[];
  createdAt: Date;
  updatedAt: Date;
}

const addressSchema = partSchema<PostalAddress>({
  line1: { type: String, required: true },
  line2: { type: String },
  city: { type: String, required: true },
  region: { type: String },
  postalCode: { type: String, required: true },
  country: { type: String, required: true, match: /^[A-Z]{2}$/ },
});

const profileSchema = partSchema<CompanyProfile>({
  name: { type: String, required: true },
  phone: { type: String, required: true },
  email: { type: String, required: true },
  website: { type: String, required: true },
  address: { type: addressSchema, required: true },
});

export const partnerSchema = recordSchema<PartnerDoc>(
  {
    _id: { type: String, required: true },
    cloud: { type: String, required: true, enum: CLOUDS },
    profile: { type: profileSchema, required: true },
    authorisations: { type: [{ type: String, enum: AUTHORISATIONS }], default: [] },
    createdAt: { type: Date, required: true },
    updatedAt: { type: Date, required: true },
  },
  { collection: 'partners' },
);
