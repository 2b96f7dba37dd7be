import { defineRoute } from '../api/route';
import { id } from '../api/schemas';
import { changeLicensesSchema, licenseChangeProblems, renewalSchema } from './schemas';
import { customerParams } from '../customers/schemas';
import type { Services } from '../services';
import { presentSubscription, subscriptionOut } from './present';

/** A partner's view of its customers' subscriptions, and license changes under delegated administration. */
export function partnerSubscriptionRoutes({ subscriptions }: Services) {
  return [
    defineRoute({
      method: 'get',
      path: '/v1/customers/{customerId}/subscriptions',
      operationId: 'listCustomerSubscriptionsAsPartner',
      summary: "A customer's subscriptions bought through the partner",
      description:
        'Each with its partner of record now (`partnerOfRecordId`); a subscription the partner has become the partner of record of since is read with `GET /v1/subscriptions/{subscriptionId}`.',
      tag: 'Customers',
      auth: 'partner',
      permission: 'customers:read',
      params: customerParams,
      responses: { 200: { description: 'Its subscriptions', schema: subscriptionOut.array() } },
      async handler({ principal, params }) {
        return { status: 200, body: (await subscriptions.ofPartnersCustomer(principal.partner._id, params.customerId)).map(presentSubscription) };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/v1/customers/{customerId}/subscriptions/{subscriptionId}/licenses',
      operationId: 'changeLicensesAsPartner',
      summary: "Change a customer's license count (customer role full, under active delegated administration)",
      description:
        'The same rules as for the customer: within the catalog’s bounds, down only inside the cancellation window and never below the assigned licenses.',
      tag: 'Customers',
      auth: 'partner',
      permission: 'customers:administer',
      params: customerParams.extend({ subscriptionId: id('a subscription id') }),
      body: changeLicensesSchema,
      responses: { 200: { description: 'The subscription after the change', schema: subscriptionOut } },
      problems: ['delegated-admin-required', 'delegated-admin-role-insufficient', ...licenseChangeProblems, 'change-in-progress'],
      async handler({ principal, params, body, request }) {
        const changed = await subscriptions.changeByPartner(principal, params.customerId, params.subscriptionId, body.licenses, request);
        return { status: 200, body: presentSubscription(changed) };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/v1/customers/{customerId}/subscriptions/{subscriptionId}/renewal',
      operationId: 'setRenewalAsPartner',
      summary: "Set whether a customer's subscription renews (customer role full, under active delegated administration)",
      description:
        'Not renewing, it ends at the end of its current billing period; set to renew again before then, it goes on. The partner of record is notified.',
      tag: 'Customers',
      auth: 'partner',
      permission: 'customers:administer',
      params: customerParams.extend({ subscriptionId: id('a subscription id') }),
      body: renewalSchema,
      responses: { 200: { description: 'The subscription with its renewal set', schema: subscriptionOut } },
      problems: ['delegated-admin-required', 'delegated-admin-role-insufficient', 'subscription-not-active', 'change-in-progress'],
      async handler({ principal, params, body, request }) {
        const set = await subscriptions.setRenewalByPartner(principal, params.customerId, params.subscriptionId, body.autoRenew, request);
        return { status: 200, body: presentSubscription(set) };
      },
    }),
  ];
}
