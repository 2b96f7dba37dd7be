import { z } from 'zod';
import { email, id, name, text } from '../api/schemas';
import { COMPANY_ROLES, CUSTOMER_ROLES } from './model';

export const companyRole = z.enum(COMPANY_ROLES).meta({ description: "Role in the partner's own company" });
export const customerRole = z
  .enum(CUSTOMER_ROLES)
  .meta({ description: 'Admin role in customers under active delegated administration: full (global admin) or limited (password resets)' });

export const createUserSchema = z.strictObject({
  email,
  displayName: name(200),
  companyRole: companyRole.default('none'),
  customerRole: customerRole.default('none'),
});

export const patchUserSchema = z
  .strictObject({
    displayName: name(200).optional(),
    companyRole: companyRole.optional(),
    customerRole: customerRole.optional(),
  })
  .refine((p) => Object.keys(p).length > 0, 'name at least one field to change');

export const userParams = z.strictObject({ userId: id('a user id') });
export const tokenParams = z.strictObject({ userId: id('a user id'), tokenId: id('a token id') });

export const issueTokenSchema = z.strictObject({
  label: text(100).default('API token'),
  expiresInDays: z.number().int().min(1).max(730).optional().meta({ description: 'Days until the token stops working; none: until revoked' }),
});

export const userOut = z.object({
  id: z.string(),
  email,
  displayName: z.string(),
  companyRole,
  customerRole,
  active: z.boolean(),
  createdAt: z.string(),
  updatedAt: z.string(),
  deactivatedAt: z.string().optional(),
});

export const tokenOut = z.object({
  id: z.string(),
  userId: z.string(),
  label: z.string(),
  createdAt: z.string(),
  expiresAt: z.string().optional(),
  revokedAt: z.string().optional(),
});

export const issuedTokenOut = tokenOut.extend({
  token: z.string().meta({ description: 'The secret token; shown this once, store it now' }),
});
