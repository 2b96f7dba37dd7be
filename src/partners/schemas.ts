import { z } from 'zod';
import { email, id, name, phone, website } from '../api/schemas';
import { AUTHORISATIONS, CLOUDS } from './model';

export const addressSchema = z.strictObject({
  line1: name(200),
  line2: name(200).optional(),
  city: name(100),
  region: name(100).optional(),
  postalCode: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9][A-Za-z0-9 -]{1,15}$/, 'must be a postal code'),
  country: z.string().regex(/^[A-Z]{2}$/, 'must be an ISO 3166-1 alpha-2 country code such as US'),
});

export const profileSchema = z.strictObject({
  name: name(200),
  phone,
  email,
  website,
  address: addressSchema,
});

/** PATCH /v1/partner/profile: any subset of the profile. */
export const profilePatchSchema = z
  .strictObject({
    name: name(200).optional(),
    phone: phone.optional(),
    email: email.optional(),
    website: website.optional(),
    address: addressSchema.optional(),
  })
  .refine((p) => Object.keys(p).length > 0, 'name at least one field to change');

export const authorisationSchema = z.enum(AUTHORISATIONS);

export const createPartnerSchema = z.strictObject({
  cloud: z.enum(CLOUDS),
  profile: profileSchema,
  authorisations: z
    .array(authorisationSchema)
    .max(AUTHORISATIONS.length)
    .refine((a) => new Set(a).size === a.length, 'must not repeat an authorisation')
    .default([]),
  admin: z
    .strictObject({ email, displayName: name(200) })
    .meta({ description: "The partner's first user, a global admin; the response carries its API token (shown once)." }),
});

export const partnerParams = z.strictObject({ partnerId: id('a partner id') });
export const authorisationParams = z.strictObject({ partnerId: id('a partner id'), authorisation: authorisationSchema });

export const partnerOut = z.object({
  id: z.string(),
  cloud: z.enum(CLOUDS),
  profile: profileSchema,
  authorisations: z.array(authorisationSchema),
  createdAt: z.string(),
  updatedAt: z.string(),
});
