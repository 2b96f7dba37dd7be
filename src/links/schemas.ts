import { z } from 'zod';
import { email, text } from '../api/schemas';

export const linkParams = z.strictObject({ code: z.string().regex(/^[A-Za-z0-9_-]{32}$/, 'must be the code of a link') });

const domain = z
  .string()
  .trim()
  .toLowerCase()
  .max(253)
  .regex(/^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)+$/, 'must be a domain such as contoso.onmicrosoft.com');

export const acceptLinkSchema = z.strictObject({
  customer: z
    .strictObject({
      name: text(200),
      domain,
      contact: z.strictObject({ name: text(200), email }),
    })
    .optional()
    .meta({ description: 'The new customer tenant. Leave out when accepting as an existing customer (with its customer token).' }),
});

export const linkViewOut = z.object({
  kind: z.literal('trial-invitation'),
  status: z.string(),
  expiresAt: z.string(),
  partner: z.object({ name: z.string(), phone: z.string(), email: z.string(), website: z.string(), address: z.record(z.string(), z.string()) }),
  service: z.object({ sku: z.string(), name: z.string(), description: z.string(), trialDays: z.number(), licenses: z.number() }),
});

export const acceptedOut = z.object({
  customer: z.object({ id: z.string(), name: z.string(), domain: z.string() }),
  onboarding: z.object({ workflowId: z.string(), started: z.boolean() }),
  subscriptionId: z.string().optional(),
  token: z.string().optional().meta({ description: "The new customer's token: returned only when this acceptance created the tenant, this once" }),
});
