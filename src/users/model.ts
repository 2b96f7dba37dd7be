import { recordSchema } from '../db/record';

/** A partner user's role in the partner's own company. */
export const COMPANY_ROLES = ['none', 'global-admin', 'billing-admin', 'password-admin', 'service-admin', 'user-management-admin'] as const;
export type CompanyRole = (typeof COMPANY_ROLES)[number];

/**
 * A partner user's admin role in the customers the partner supports: full acts
 * as global admin in a customer under active delegated administration, limited
 * as password admin (password resets only).
 */
export const CUSTOMER_ROLES = ['none', 'full', 'limited'] as const;
export type CustomerRole = (typeof CUSTOMER_ROLES)[number];

export interface UserDoc {
  _id: string;
  partnerId: string;
  email: string;
  /** Lower-case copy: e-mail is unique within a partner, case-insensitively. */
  emailLower: string;
  displayName: string;
  companyRole: CompanyRole;
  customerRole: CustomerRole;
  active: boolean;
  createdAt: Date;
  updatedAt: Date;
  deactivatedAt?: Date;
}

export const userSchema = recordSchema<UserDoc>(
  {
    _id: { type: String, required: true },
    partnerId: { type: String, required: true },
    email: { type: String, required: true },
    emailLower: { type: String, required: true },
    displayName: { type: String, required: true },
    companyRole: { type: String, required: true, enum: COMPANY_ROLES },
    customerRole: { type: String, required: true, enum: CUSTOMER_ROLES },
    active: { type: Boolean, required: true },
    createdAt: { type: Date, required: true },
    updatedAt: { type: Date, required: true },
    deactivatedAt: { type: Date },
  },
  { collection: 'partner_users' },
);

userSchema.index({ partnerId: 1, emailLower: 1 }, { unique: true });
// listing (by _id) and counting the partner's active global admins
userSchema.index({ partnerId: 1, _id: 1 });
userSchema.index({ partnerId: 1, companyRole: 1, active: 1 });
