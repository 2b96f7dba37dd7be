import { recordSchema } from '../db/record';

/** A user inside a customer tenant (whose password a partner may reset later). */
export interface CustomerUserDoc {
  _id: string;
  customerId: string;
  email: string;
  emailLower: string;
  displayName: string;
  /** Licenses assigned to this user, by SKU. */
  assignedSkus: string[];
  mustChangePassword: boolean;
  createdAt: Date;
  updatedAt: Date;
}

export const customerUserSchema = recordSchema<CustomerUserDoc>(
  {
    _id: { type: String, required: true },
    customerId: { type: String, required: true },
    email: { type: String, required: true },
    emailLower: { type: String, required: true },
    displayName: { type: String, required: true },
    assignedSkus: { type: [String], default: [] },
    mustChangePassword: { type: Boolean, default: false },
    createdAt: { type: Date, required: true },
    updatedAt: { type: Date, required: true },
  },
  { collection: 'customer_users' },
);

customerUserSchema.index({ customerId: 1, emailLower: 1 }, { unique: true });
