import { partSchema, recordSchema } from '../db/record';
import { CUSTOMER_USER_ROLES, type CustomerUserRole } from '../../workflows/delegated-admin/acting';

/** Who last reset a user's password: the customer itself, or a partner user under a relationship. */
export interface PasswordReset {
  at: Date;
  byKind: 'customer' | 'partner-user';
  byId: string;
  partnerId?: string;
  relationshipId?: string;
}

/** A user inside a customer tenant, with the licenses assigned to it. */
export interface CustomerUserDoc {
  _id: string;
  customerId: string;
  email: string;
  emailLower: string;
  displayName: string;
  /** Its role in the tenant; any but `user` is an admin (a limited partner role resets only users'). */
  role: CustomerUserRole;
  /** Licenses assigned to this user, by SKU. */
  assignedSkus: string[];
  /** scrypt hash (see password.ts) of its password, when one was set. */
  passwordHash?: string;
  /** Its password is a one-time one: it must be changed at the next sign-in. */
  mustChangePassword: boolean;
  lastReset?: PasswordReset;
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
    role: { type: String, enum: CUSTOMER_USER_ROLES, default: 'user' },
    assignedSkus: { type: [String], default: [] },
    passwordHash: { type: String, match: /^scrypt\$/ },
    mustChangePassword: { type: Boolean, default: false },
    lastReset: {
      type: partSchema<PasswordReset>({
        at: { type: Date, required: true },
        byKind: { type: String, required: true, enum: ['customer', 'partner-user'] },
        byId: { type: String, required: true },
        partnerId: { type: String },
        relationshipId: { type: String },
      }),
    },
    createdAt: { type: Date, required: true },
    updatedAt: { type: Date, required: true },
  },
  { collection: 'customer_users' },
);

customerUserSchema.index({ customerId: 1, emailLower: 1 }, { unique: true });
