import { Schema, type InferSchemaType } from 'mongoose';
import { CLOUDS } from '../partners/model';

const contactSchema = new Schema(
  {
    name: { type: String, required: true },
    email: { type: String, required: true },
    phone: { type: String },
  },
  { _id: false },
);

/** A customer tenant. Its domain is unique (lower-case): one tenant per domain. */
export const customerSchema = new Schema(
  {
    _id: { type: String, required: true },
    name: { type: String, required: true },
    domain: { type: String, required: true, lowercase: true, match: /^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$/ },
    cloud: { type: String, required: true, enum: CLOUDS },
    contacts: { type: [contactSchema], default: [] },
    createdAt: { type: Date, required: true },
    updatedAt: { type: Date, required: true },
  },
  { collection: 'customers', versionKey: false, strict: 'throw' },
);

customerSchema.index({ domain: 1 }, { unique: true });

export type CustomerDoc = InferSchemaType<typeof customerSchema> & { _id: string };

/**
 * Which customer holds a domain, keyed by the (lower-case) domain: whether a domain
 * is taken is then a lookup by `_id` (FerretDB reads the whole customers collection
 * to answer `{domain}`). Written before the customer; customers made before it
 * exists are still guarded by the unique index on customers.domain.
 */
export const customerDomainSchema = new Schema(
  {
    _id: { type: String, required: true },
    customerId: { type: String, required: true },
  },
  { collection: 'customer_domains', versionKey: false, strict: 'throw' },
);

/** A user inside a customer tenant (whose password a partner may reset later). */
export const customerUserSchema = new Schema(
  {
    _id: { type: String, required: true },
    customerId: { type: String, required: true },
    email: { type: String, required: true },
    emailLower: { type: String, required: true },
    displayName: { type: String, required: true },
    /** Licenses assigned to this user, by SKU. */
    assignedSkus: { type: [String], default: [] },
    mustChangePassword: { type: Boolean, default: false },
    createdAt: { type: Date, required: true },
    updatedAt: { type: Date, required: true },
  },
  { collection: 'customer_users', versionKey: false, strict: 'throw' },
);

customerUserSchema.index({ customerId: 1, emailLower: 1 }, { unique: true });

export type CustomerUserDoc = InferSchemaType<typeof customerUserSchema> & { _id: string };
