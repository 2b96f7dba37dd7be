import { z } from 'zod';
import { defineRoute } from '../api/route';
import type { Services } from '../services';
import { presentSubscription, subscriptionOut } from '../subscriptions/present';
import { changeLicensesSchema, licenseChangeProblems, previewQuery, pricePreviewOut, renewalSchema, subscriptionParams } from '../subscriptions/schemas';
import { createCustomerUserSchema, customerUserOut, customerUserParams, passwordResetOut, updateCustomerUserSchema } from './schemas';
import { presentCustomerUser } from '../customer-users/present';
import { auditEventOut, presentAuditEvent } from '../audit/present';
import { cursor, page, pageLimit } from '../api/schemas';
import { partnerOfRecordRequestOut, presentPartnerOfRecordRequest } from '../partner-of-record/present';
import { partnerOfRecordChangeSchema } from '../partner-of-record/schemas';

/** The customer's own view, with its customer token. */
export function customerPortalRoutes({ audit, customers, subscriptions, onboarding, customerUsers, partnerOfRecord }: Services) {
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
      path: '/v1/customer/subscriptions/{subscriptionId}/renewal',
      operationId: 'setRenewal',
      summary: 'Set whether a paid subscription renews at the end of each billing period',
      description:
        'Not renewing, it ends at the end of its current billing period (`periodEndsAt`); set to renew again before then, it goes on. The partner of record is notified.',
      tag: 'Customers (self)',
      auth: 'customer',
      params: subscriptionParams,
      body: renewalSchema,
      responses: { 200: { description: 'The subscription with its renewal set', schema: subscriptionOut } },
      problems: ['subscription-not-active', 'change-in-progress'],
      async handler({ principal, params, body, request }) {
        return {
          status: 200,
          body: presentSubscription(await subscriptions.setRenewalByCustomer(principal.customer._id, params.subscriptionId, body.autoRenew, request)),
        };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/v1/customer/subscriptions/{subscriptionId}/partner-of-record/change-requests',
      operationId: 'requestPartnerOfRecordChange',
      summary: 'Ask another partner of the same cloud to become the partner of record of a paid subscription',
      description:
        'The asked partner (a subscription advisor of the customer’s cloud) is e-mailed and sees the request (`GET /v1/partner-of-record-requests`); ' +
        'it becomes the partner of record only when it accepts. Declined, or unanswered for `answerWithinSeconds` (30 days by default), nothing changes. One at a time.',
      tag: 'Customers (self)',
      auth: 'customer',
      params: subscriptionParams,
      body: partnerOfRecordChangeSchema,
      creates: true,
      responses: { 201: { description: 'The request, waiting for the asked partner', schema: partnerOfRecordRequestOut } },
      problems: [
        'partner-not-found',
        'cloud-mismatch',
        'partner-not-subscription-advisor',
        'partner-of-record-unchanged',
        'partner-of-record-change-pending',
        'subscription-not-active',
        'change-in-progress',
      ],
      async handler({ principal, params, body, request }) {
        return {
          status: 201,
          body: presentPartnerOfRecordRequest(await partnerOfRecord.requestChange(principal.customer, params.subscriptionId, body, request)),
        };
      },
    }),
    defineRoute({
      method: 'delete',
      path: '/v1/customer/subscriptions/{subscriptionId}/partner-of-record',
      operationId: 'removePartnerOfRecord',
      summary: 'Remove the partner of record of a paid subscription',
      description:
        'The partner of record is told; from then on nobody hears of the subscription’s changes. A pending change of partner of record is withdrawn.',
      tag: 'Customers (self)',
      auth: 'customer',
      params: subscriptionParams,
      responses: { 200: { description: 'The subscription without a partner of record', schema: subscriptionOut } },
      problems: ['subscription-not-active', 'change-in-progress'],
      async handler({ principal, params, request }) {
        return { status: 200, body: presentSubscription(await partnerOfRecord.remove(principal.customer._id, params.subscriptionId, request)) };
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
      method: 'get',
      path: '/v1/customer/users',
      operationId: 'listCustomerUsers',
      summary: "The customer's users, with their licenses and who last reset their password",
      tag: 'Customers (self)',
      auth: 'customer',
      responses: { 200: { description: 'Its users', schema: customerUserOut.array() } },
      async handler({ principal }) {
        return { status: 200, body: (await customerUsers.list(principal.customer._id)).map(presentCustomerUser) };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/v1/customer/users/{userId}',
      operationId: 'getCustomerUser',
      summary: 'One of the customer’s users',
      tag: 'Customers (self)',
      auth: 'customer',
      params: customerUserParams,
      responses: { 200: { description: 'The user', schema: customerUserOut } },
      async handler({ principal, params }) {
        return { status: 200, body: presentCustomerUser(await customerUsers.get(principal.customer._id, params.userId)) };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/v1/customer/users',
      operationId: 'createCustomerUser',
      summary: "Add a user to the customer's tenant, with the licenses assigned to it",
      description: 'Each assigned SKU needs a free license in the customer’s trial or active subscriptions of it.',
      tag: 'Customers (self)',
      auth: 'customer',
      body: createCustomerUserSchema,
      creates: true,
      responses: { 201: { description: 'Created', schema: customerUserOut } },
      problems: ['email-taken', 'licenses-exhausted', 'sku-not-subscribed'],
      async handler({ principal, body, request }) {
        return { status: 201, body: presentCustomerUser(await customerUsers.create(principal.customer, body, request)) };
      },
    }),
    defineRoute({
      method: 'patch',
      path: '/v1/customer/users/{userId}',
      operationId: 'updateCustomerUser',
      summary: "Change a user's name, role or assigned licenses",
      tag: 'Customers (self)',
      auth: 'customer',
      params: customerUserParams,
      body: updateCustomerUserSchema,
      responses: { 200: { description: 'The user after the change', schema: customerUserOut } },
      problems: ['licenses-exhausted', 'sku-not-subscribed'],
      async handler({ principal, params, body, request }) {
        return { status: 200, body: presentCustomerUser(await customerUsers.update(principal.customer._id, params.userId, body, request)) };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/v1/customer/users/{userId}/password-reset',
      operationId: 'resetCustomerUserPassword',
      summary: "Reset a user's password to a one-time one, to be changed at its next sign-in",
      tag: 'Customers (self)',
      auth: 'customer',
      params: customerUserParams,
      showsSecret: true,
      responses: { 200: { description: 'The user and its one-time password (shown once)', schema: passwordResetOut } },
      async handler({ principal, params, request }) {
        const { user, temporaryPassword } = await customerUsers.resetPassword(principal.customer._id, params.userId, request);
        return { status: 200, body: { user: presentCustomerUser(user), temporaryPassword } };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/v1/customer/activity',
      operationId: 'listCustomerActivity',
      summary: 'What was done in the customer, newest first: by whom (the customer or a partner user), when, and under which relationship',
      description:
        'Every change a partner user made under delegated administration (users, password resets, licenses) and the customer’s own; ' +
        "`details.relationshipId` names the relationship a partner acted under. `byPartners=true` keeps only the partners' acts.",
      tag: 'Customers (self)',
      auth: 'customer',
      query: z.strictObject({ limit: pageLimit, cursor, byPartners: z.enum(['true', 'false']).optional() }),
      responses: { 200: { description: 'A page of events', schema: page(auditEventOut) } },
      problems: ['invalid-cursor'],
      async handler({ principal, query }) {
        const found = await audit.ofCustomer(principal.customer._id, { byPartners: query.byPartners === 'true' }, query);
        return { status: 200, body: { items: found.items.map(presentAuditEvent), nextCursor: found.nextCursor } };
      },
    }),
    defineRoute({
      method: 'delete',
      path: '/v1/customer/users/{userId}',
      operationId: 'removeCustomerUser',
      summary: 'Remove a user, freeing its licenses',
      tag: 'Customers (self)',
      auth: 'customer',
      params: customerUserParams,
      responses: { 204: { description: 'Removed' } },
      async handler({ principal, params, request }) {
        await customerUsers.remove(principal.customer._id, params.userId, request);
        return { status: 204 };
      },
    }),
  ];
}
