import { z } from 'zod';
import { email, name } from '../api/schemas';
import { sku } from '../catalog/schemas';

export const createCustomerUserSchema = z.strictObject({
  email,
  displayName: name(200),
  skus: z.array(sku).max(20).default([]).meta({ description: 'SKUs whose licenses are assigned to this user' }),
});

export const customerUserOut = z.object({ id: z.string(), email, displayName: z.string(), skus: z.array(z.string()) });
