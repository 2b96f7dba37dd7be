import { z } from 'zod';
import { defineRoute } from '../api/route';
import type { Services } from '../services';
import { presentSubscription, subscriptionOut } from '../subscriptions/present';
import { changeLicensesSchema, licenseChangeProblems, previewQuery, pricePreviewOut, subscriptionParams } from '../subscriptions/schemas';
import { createCustomerUserSchema, customerUserOut } from './schemas';

/** The customer's own view, with its customer token. */
export function customerPortalRoutes({ customers, subscriptions, onboarding, customerUsers }: Services) {
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
          schema: z.object({
            id: z.string(),
            name: z.string(),
            domain: z.string(),
            cloud: z.string(),
            partners: z.array(z.object({ id: z.string(), name: z.string() })),
          }),
        },
      },
      async handler({ principal }) {
        const c = principal.customer;
        const partners = await customers.partnersOf(c._id);
        return {
          status: 200,
          body: { id: c._id, name: c.name, domain: c.domain, cloud: c.cloud, partners: partners.map((p) => ({ id: p._id, name: p.profile.name })) },
        };
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
        return { status: 200, body: (await subscriptions.ofCustomer(principal.customer._id)).map(presentSubscription) };
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
        return { status: 200, body: await subscriptions.preview(principal.customer._id, params.subscriptionId, query.licenses) };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/v1/customer/subscriptions/{subscriptionId}/licenses',
      operationId: 'changeLicenses',
      summary: 'Change the license count of a paid subscription',
      description:
        'Within the catalog’s bounds; down only inside the cancellation window after purchase or renewal, and never below the licenses assigned to users. The partner of record is notified.',
      tag: 'Customers (self)',
      auth: 'customer',
      params: subscriptionParams,
      body: changeLicensesSchema,
      responses: { 200: { description: 'The subscription after the change', schema: subscriptionOut } },
      problems: [...licenseChangeProblems, 'change-in-progress'],
      async handler({ principal, params, body, request }) {
        return {
          status: 200,
          body: presentSubscription(await subscriptions.changeByCustomer(principal.customer._id, params.subscriptionId, body.licenses, request)),
        };
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
      problems: ['trial-not-cancellable', 'customer-not-onboarding', 'change-in-progress'],
      async handler({ principal, params, request }) {
        return { status: 200, body: presentSubscription(await onboarding.cancelTrial(principal.customer, params.subscriptionId, request)) };
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
      responses: {
        201: { description: 'Created', schema: customerUserOut },
      },
      problems: ['email-taken'],
      async handler({ principal, body, request }) {
        const user = await customerUsers.create(principal.customer, body, request);
        return { status: 201, body: { id: user._id, email: user.email, displayName: user.displayName, skus: [...user.assignedSkus] } };
      },
    }),
  ];
}
