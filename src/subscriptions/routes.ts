
import type { ApiDeps } from '../api/deps';
import { notFound, Problem } from '../api/problem';
import { defineRoute } from '../api/route';
import { id } from '../api/schemas';
import { changeLicensesSchema } from '../customer/schemas';
import { customerParams } from '../customers/schemas';
import { GRANTING_STATUSES } from '../delegated-admin/model';
import { requirePartnersCustomer } from '../customers/known';
import type { SubscriptionDoc } from './model';
import { presentSubscription, subscriptionOut } from './present';
import { changeLicenses } from './workflow-calls';
import { findOwned } from '../db/owned';

/** A partner's view of its customers' subscriptions, and license changes under delegated administration. */
export function partnerSubscriptionRoutes(deps: ApiDeps) {
  return [
    defineRoute({
      method: 'get',
      path: '/v1/customers/{customerId}/subscriptions',
      operationId: 'listCustomerSubscriptionsAsPartner',
      summary: "A customer's subscriptions of which the partner is partner of record",
      tag: 'Customers',
      auth: 'partner',
      permission: 'customers:read',
      params: customerParams,
      responses: { 200: { description: 'Its subscriptions', schema: subscriptionOut.array() } },
      async handler({ principal, params }) {
        await requirePartnersCustomer(deps, principal.partner._id, params.customerId);
        const subs = await deps.models.Subscription.find({ partnerId: principal.partner._id, customerId: params.customerId }).sort({ _id: 1 }).lean<SubscriptionDoc[]>();
        return { status: 200, body: subs.map(presentSubscription) };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/v1/customers/{customerId}/subscriptions/{subscriptionId}/licenses',
      operationId: 'changeLicensesAsPartner',
      summary: "Change a customer's license count (customer role full, under active delegated administration)",
      description: 'The same rules as for the customer: within the catalog’s bounds, down only inside the cancellation window and never below the assigned licenses.',
      tag: 'Customers',
      auth: 'partner',
      permission: 'customers:administer',
      params: customerParams.extend({ subscriptionId: id('a subscription id') }),
      body: changeLicensesSchema,
      responses: { 200: { description: 'The subscription after the change', schema: subscriptionOut } },
      problems: ['delegated-admin-required', 'license-count-out-of-bounds', 'license-decrease-not-allowed', 'license-count-below-assigned', 'license-count-unchanged', 'subscription-not-active'],
      async handler({ principal, params, body, audit }) {
        const sub = await findOwned<SubscriptionDoc>(deps.models.Subscription, params.subscriptionId, { customerId: params.customerId, partnerId: principal.partner._id });
        if (!sub) throw notFound(`subscription ${params.subscriptionId}`);
        const granted = await deps.models.Relationship.exists({ partnerId: principal.partner._id, customerId: params.customerId, status: { $in: [...GRANTING_STATUSES] } });
        if (!granted) throw new Problem('delegated-admin-required', `acting in customer ${params.customerId} needs an active delegated-admin relationship with it`);
        const { from, stored } = await changeLicenses(deps, sub, body.licenses, `partner user ${principal.user._id}`);
        await audit({ action: 'subscription.licenses-changed', target: { kind: 'subscription', id: sub._id }, details: { customerId: params.customerId, from, to: body.licenses } });
        return { status: 200, body: presentSubscription(stored) };
      },
    }),
  ];
}

