import { z } from 'zod';
import { email, name } from '../api/schemas';
import { RELATIONSHIP_STATUSES } from '../../workflows/delegated-admin/types';

export const linkParams = z.strictObject({ code: z.string().regex(/^[A-Za-z0-9_-]{32}$/, 'must be the code of a link') });

const domain = z
  .string()
  .trim()
  .toLowerCase()
  .max(253)
  .regex(/^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)+$/, 'must be a domain such as contoso.onmicrosoft.com');

/** A customer tenant as whoever makes it describes it (a customer accepting a link, a partner redeeming a key for it). */
export const newCustomerSchema = z.strictObject({
  name: name(200),
  domain,
  contact: z.strictObject({ name: name(200), email }),
});

export const acceptLinkSchema = z.strictObject({
  acceptDelegatedAdmin: z
    .boolean()
    .default(false)
    .meta({ description: 'When the link offers delegated administration: grant it now (otherwise it waits for approval)' }),
  licenses: z
    .record(z.string().regex(/^[A-Z0-9][A-Z0-9-]{1,63}$/, 'must be a SKU'), z.number().int().min(1).max(100_000))
    .optional()
    .meta({ description: 'Purchase offers: the license counts the customer wants, by SKU (within the catalog’s bounds); the offer’s otherwise' }),
  customer: newCustomerSchema
    .optional()
    .meta({ description: 'The new customer tenant. Leave out when accepting as an existing customer (with its customer token).' }),
});

const partnerView = z.object({ name: z.string(), phone: z.string(), email, website: z.string(), address: z.record(z.string(), z.string()) });

/** Delegated administration as a customer is asked for it. */
export const delegatedAdminView = z
  .object({
    role: z.enum(['full', 'limited']).meta({ description: 'full: the partner acts as a global admin; limited: as a password admin (password resets only)' }),
    durationDays: z.number().meta({ description: 'How long it lasts once accepted' }),
    autoExtend: z.boolean().meta({ description: 'Extended by extensionDays when it would end' }),
    extensionDays: z.number(),
  })
  .meta({ description: 'The delegated administration asked for' });

export const LINK_STATUSES = ['open', 'accepted', 'declined', 'revoked', 'expired', 'superseded'] as const;

export const linkViewOut = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('trial-invitation'),
    status: z.string().meta({ description: 'active, revoked or expired (an invitation stays active for many customers)' }),
    expiresAt: z.string(),
    partner: partnerView,
    service: z.object({ sku: z.string(), name: z.string(), description: z.string(), trialDays: z.number(), licenses: z.number() }),
    delegatedAdmin: delegatedAdminView.optional(),
  }),
  z.object({
    kind: z.literal('purchase-offer'),
    status: z.enum(LINK_STATUSES).meta({
      description:
        "For the customer whose token came with the request: where the offer stands for it (accepted, declined, superseded by a newer offer…); otherwise the offer's own status, superseded once every customer it was sent to got a newer one",
    }),
    expiresAt: z.string(),
    partner: partnerView,
    published: z.boolean().meta({
      description:
        'Anyone with the link may accept it: a customer of the partner, or a company that becomes one through it (a new tenant, or a customer of the same cloud with its token)',
    }),
    billingPeriodDays: z.number(),
    items: z.array(
      z.object({
        sku: z.string(),
        name: z.string(),
        description: z.string(),
        licenses: z.number(),
        minLicenses: z.number(),
        maxLicenses: z.number(),
        monthlyPricePerLicense: z.object({ amount: z.number(), currency: z.string() }),
      }),
    ),
    delegatedAdmin: delegatedAdminView.optional(),
  }),
  z.object({
    kind: z.literal('delegated-admin'),
    status: z.enum(RELATIONSHIP_STATUSES),
    partner: partnerView,
    customer: z.object({ id: z.string(), name: z.string() }),
    requestedAt: z.string(),
    /** a pending request lapses then */
    lapsesAt: z.string().optional(),
    endsAt: z.string().optional(),
    delegatedAdmin: delegatedAdminView,
  }),
]);

export const acceptedOut = z.object({
  customer: z.object({ id: z.string(), name: z.string(), domain: z.string() }),
  onboarding: z.object({ workflowId: z.string(), started: z.boolean() }).optional().meta({ description: 'Trial invitations: the onboarding started' }),
  subscriptionId: z.string().optional().meta({ description: "Trial invitations: the trial's subscription" }),
  subscriptions: z
    .array(z.object({ subscriptionId: z.string(), sku: z.string(), licenses: z.number(), convertedTrial: z.boolean() }))
    .optional()
    .meta({ description: 'Purchase offers: what was bought' }),
  token: z.string().optional().meta({ description: "The new customer's token: returned only when this acceptance created the tenant, this once" }),
  delegatedAdmin: z
    .object({ relationshipId: z.string(), status: z.enum(['active', 'approval-pending']) })
    .optional()
    .meta({
      description:
        'Purchase offers asking for delegated administration: the relationship (accept it at /v1/customer/delegated-admin/{relationshipId}/accept when pending)',
    }),
});
