import { partSchema, recordSchema } from '../db/record';
import { CLOUDS, type Cloud } from '../partners/model';

export interface CustomerContact {
  name: string;
  email: string;
  phone?: string;
}

/** A customer tenant. Its domain is unique (lower-case): one tenant per domain. */
export interface CustomerDoc {
  _id: string;
  name: string;
  domain: string;
  cloud: Cloud;
  contacts: CustomerContact[];
  createdAt: Date;
  updatedAt: Date;
}

const contactSchema = partSchema<CustomerContact>({
  name: { type: String, required: true },
  email: { type: String, required: true },
  phone: { type: String },
});

export const customerSchema = recordSchema<CustomerDoc>(
  {
    _id: { type: String, required: true },
    name: { type: String, required: true },
    domain: { type: String, required: true, lowercase: true, match: /^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$/ },
    cloud: { type: String, required: true, enum: CLOUDS },
    contacts: { type: [contactSchema], default: [] },
    createdAt: { type: Date, required: true },
    updatedAt: { type: Date, required: true },
  },
  { collection: 'customers' },
);

customerSchema.index({ domain: 1 }, { unique: true });

/**
 * Which customer holds a domain, keyed by the (lower-case) domain: whether a domain
 * is taken is then a lookup by `_id` (FerretDB reads the whole customers collection
 * to answer `{domain}`). Written before the customer; customers made before it
 * exists are still guarded by the unique index on customers.domain.
 */
export interface CustomerDomainDoc {
  _id: string;
  customerId: string;
}

export const customerDomainSchema = recordSchema<CustomerDomainDoc>(
  {
    _id: { type: String, required: true },
    customerId: { type: String, required: true },
  },
  { collection: 'customer_domains' },
);
