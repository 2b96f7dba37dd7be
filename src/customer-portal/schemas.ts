import { z } from 'zod';
import { email, id, name } from '../api/schemas';
import { sku } from '../catalog/schemas';
import { CUSTOMER_USER_ROLES } from '../../workflows/delegated-admin/acting';

const skus = z.array(sku).max(20).meta({ description: 'SKUs whose licenses are assigned to this user (each needs a free license)' });
const role = z.enum(CUSTOMER_USER_ROLES).meta({ description: 'Its role in the tenant; any but `user` is an admin' });

export const createCustomerUserSchema = z.strictObject({
  email,
  displayName: name(200),
  role: role.default('user'),
  skus: skus.default([]),
});

export const updateCustomerUserSchema = z
  .strictObject({ displayName: name(200).optional(), role: role.optional(), skus: skus.optional() })
  .refine((p) => Object.values(p).some((v) => v !== undefined), { message: 'change at least one of displayName, role, skus' });

export const customerUserParams = z.strictObject({ userId: id('a customer user id') });

export const customerUserOut = z.object({
  id: z.string(),
  customerId: z.string(),
  email,
  displayName: z.string(),
  role,
  skus: z.array(z.string()),
  mustChangePassword: z.boolean(),
  lastPasswordReset: z
    .object({
      at: z.string(),
      by: z.object({ kind: z.enum(['customer', 'partner-user']), id: z.string() }),
      partnerId: z.string().optional(),
      relationshipId: z.string().optional(),
    })
    .optional()
    .meta({ description: 'Who reset its password last, when, and under which relationship' }),
});

export const passwordResetOut = z.object({
  user: customerUserOut,
  temporaryPassword: z.string().meta({ description: 'Shown once: the user signs in with it and must change it then' }),
});

const password = z.string().min(1).max(200);
export const signInSchema = z.strictObject({ customerId: id('the customer'), email, password });
export const changePasswordSchema = z.strictObject({
  customerId: id('the customer'),
  email,
  password: password.meta({ description: 'The current (e.g. one-time) password' }),
  newPassword: z.string().min(12).max(200).meta({ description: 'At least 12 characters' }),
});
export const signedInOut = z.object({ userId: z.string(), customerId: z.string(), displayName: z.string(), role });
