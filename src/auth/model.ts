import { recordSchema } from '../db/record';

/** An API token of a partner user; only the SHA-256 of its secret is kept. */
export interface ApiTokenDoc {
  _id: string;
  hash: string;
  partnerId: string;
  userId: string;
  label: string;
  createdAt: Date;
  createdBy: string;
  expiresAt?: Date;
  revokedAt?: Date;
  revokedBy?: string;
}

export const apiTokenSchema = recordSchema<ApiTokenDoc>(
  {
    _id: { type: String, required: true },
    hash: { type: String, required: true, match: /^[0-9a-f]{64}$/ },
    partnerId: { type: String, required: true },
    userId: { type: String, required: true },
    label: { type: String, required: true },
    createdAt: { type: Date, required: true },
    createdBy: { type: String, required: true },
    expiresAt: { type: Date },
    revokedAt: { type: Date },
    revokedBy: { type: String },
  },
  { collection: 'api_tokens' },
);

apiTokenSchema.index({ partnerId: 1, userId: 1, createdAt: -1 });

/** A customer's API token (`ofc.…`); only the SHA-256 of its secret is kept. */
export interface CustomerTokenDoc {
  _id: string;
  hash: string;
  customerId: string;
  createdAt: Date;
  revokedAt?: Date;
}

export const customerTokenSchema = recordSchema<CustomerTokenDoc>(
  {
    _id: { type: String, required: true },
    hash: { type: String, required: true, match: /^[0-9a-f]{64}$/ },
    customerId: { type: String, required: true },
    createdAt: { type: Date, required: true },
    revokedAt: { type: Date },
  },
  { collection: 'customer_tokens' },
);

customerTokenSchema.index({ customerId: 1 });
