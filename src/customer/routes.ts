import { z } from 'zod';
import type { ApiDeps } from '../api/deps';
import { defineRoute } from '../api/route';
import type { PartnerDoc } from '../partners/model';
import type { SubscriptionDoc } from '../subscriptions/model';
import { subscriptionOut, presentSubscription } from '../subscriptions/present';
import { changeLicenses, previewLicenses } from '../subscriptions/workflow-calls';
import { onboardingWorkflowId } from '../../workflows/onboarding/ids';
import { cancelTrialUpdate } from '../../workflows/onboarding/messages';
import { notFound, Problem } from '../api/problem';
import { newTimeOrderedId } from '../ids';
import { changeLicensesSchema, createCustomerUserSchema, previewQuery, pricePreviewOut, subscriptionParams } from './schemas';
import { findOwned } from '../db/owned';

/** The customer's own view, with its customer token. */
export function customerSelfRoutes(deps: ApiDeps) {
  const ownSubscription = async (customerId: string, subscriptionId: string) => {
    const sub = await findOwned<SubscriptionDoc>(deps.models.Subscription, subscriptionId, { customerId });
    if (!sub) throw notFound(`subscription ${subscriptionId}`);
    return sub;
  };
  return [
    defineRoute({
      method: 'get',
      path: '/v1/customer',
      operationId: 'getCustomerSelf',
      summary: 'The calling customer: its tenant and the partners it works with',
      tag: 'Customers (self)',
      auth: 'customer',
      responses: {
        200: {
          description: 'The customer',
          schema: z.object({ id: z.string(), name: z.string(), domain: z.string(), cloud: z.string(), partners: z.array(z.object({ id: z.string(), name: z.string() })) }),
        },
      },
      async handler({ principal }) {
        const c = principal.customer;
        const partnerIds = [...new Set((await deps.models.Subscription.find({ customerId: c._id }, { partnerId: 1 }).lean()).map((s) => s.partnerId))];
        const partners = await deps.models.Partner.find({ _id: { $in: partnerIds } }).lean<PartnerDoc[]>();
        return { status: 200, body: { id: c._id, name: c.name, domain: c.domain, cloud: c.cloud, partners: partners.map((p) => ({ id: p._id, name: p.profile.name })) } };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/v1/customer/subscriptions',
      operationId: 'listCustomerSubscriptions',
      summary: "The customer's subscriptions",
      tag: 'Customers (self)',
      auth: 'customer',
      responses: { 200: { description: 'Its subscriptions', schema: subscriptionOut.array() } },
      async handler({ principal }) {
        const subs = await deps.models.Subscription.find({ customerId: principal.customer._id }).sort({ _id: 1 }).lean<SubscriptionDoc[]>();
        return { status: 200, body: subs.map(presentSubscription) };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/v1/customer/subscriptions/{subscriptionId}/price-preview',
      operationId: 'previewLicenseChange',
      summary: 'What changing to this many licenses would cost now (prorated), and whether a decrease is allowed',
      tag: 'Customers (self)',
      auth: 'customer',
      params: subscriptionParams,
      query: previewQuery,
      responses: { 200: { description: 'The preview', schema: pricePreviewOut } },
      problems: ['subscription-not-active'],
      async handler({ principal, params, query }) {
        const sub = await ownSubscription(principal.customer._id, params.subscriptionId);
        return { status: 200, body: await previewLicenses(deps, sub, query.licenses) };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/v1/customer/subscriptions/{subscriptionId}/licenses',
      operationId: 'changeLicenses',
      summary: 'Change the license count of a paid subscription',
      description: 'Within the catalog’s bounds; down only inside the cancellation window after purchase or renewal, and never below the licenses assigned to users. The partner of record is notified.',
      tag: 'Customers (self)',
      auth: 'customer',
      params: subscriptionParams,
      body: changeLicensesSchema,
      responses: { 200: { description: 'The subscription after the change', schema: subscriptionOut } },
      problems: ['license-count-out-of-bounds', 'license-decrease-not-allowed', 'license-count-below-assigned', 'license-count-unchanged', 'subscription-not-active'],
      async handler({ principal, params, body, audit }) {
        const sub = await ownSubscription(principal.customer._id, params.subscriptionId);
        const { from, stored } = await changeLicenses(deps, sub, body.licenses, 'customer');
        await audit({ partnerId: sub.partnerId, actor: { kind: 'customer', id: principal.customer._id }, action: 'subscription.licenses-changed', target: { kind: 'subscription', id: sub._id }, details: { from, to: body.licenses } });
        return { status: 200, body: presentSubscription(stored) };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/v1/customer/subscriptions/{subscriptionId}/cancel-trial',
      operationId: 'cancelTrial',
      summary: 'End a trial (running or suspended) before buying it',
      description: "The trial is removed and the customer's onboarding with that partner ends as cancelled.",
      tag: 'Customers (self)',
      auth: 'customer',
      params: subscriptionParams,
      responses: { 200: { description: 'The trial, removed', schema: subscriptionOut } },
      problems: ['trial-not-cancellable', 'customer-not-onboarding'],
      async handler({ principal, params, audit }) {
        const sub = await findOwned<SubscriptionDoc>(deps.models.Subscription, params.subscriptionId, { customerId: principal.customer._id });
        if (!sub) throw notFound(`subscription ${params.subscriptionId}`);
        if (sub.status !== 'trial' && sub.status !== 'suspended') throw new Problem('trial-not-cancellable', `subscription ${sub._id} is ${sub.status}, not a trial`);
        await deps.temporal.workflow.getHandle(onboardingWorkflowId(sub.partnerId, sub.customerId)).executeUpdate(cancelTrialUpdate, { args: [{ by: 'customer' }] });
        await audit({ partnerId: sub.partnerId, actor: { kind: 'customer', id: principal.customer._id }, action: 'trial.cancelled', target: { kind: 'subscription', id: sub._id } });
        return { status: 200, body: presentSubscription((await deps.models.Subscription.findById(sub._id).lean<SubscriptionDoc>())!) };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/v1/customer/users',
      operationId: 'createCustomerUser',
      summary: "Add a user to the customer's tenant, with the licenses assigned to it",
      tag: 'Customers (self)',
      auth: 'customer',
      body: createCustomerUserSchema,
      creates: true,
      responses: { 201: { description: 'Created', schema: z.object({ id: z.string(), email: z.string(), displayName: z.string(), skus: z.array(z.string()) }) } },
      problems: ['email-taken'],
      async handler({ principal, body }) {
        const now = new Date();
        try {
          const user = await deps.models.CustomerUser.create({ _id: newTimeOrderedId('cuu', now), customerId: principal.customer._id, email: body.email, emailLower: body.email.toLowerCase(), displayName: body.displayName, assignedSkus: body.skus, createdAt: now, updatedAt: now });
          return { status: 201, body: { id: user._id, email: user.email, displayName: user.displayName, skus: [...user.assignedSkus] } };
        } catch (err) {
          if ((err as { code?: number }).code === 11000) throw new Problem('email-taken', `a user with the e-mail ${body.email} exists in this tenant`);
          throw err;
        }
      },
    }),
  ];
}
