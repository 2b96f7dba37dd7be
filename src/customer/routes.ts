import { z } from 'zod';
import type { ApiDeps } from '../api/deps';
import { defineRoute } from '../api/route';
import type { PartnerDoc } from '../partners/model';
import type { SubscriptionDoc } from '../subscriptions/model';
import { subscriptionOut, presentSubscription } from '../subscriptions/present';

/** The customer's own view, with its customer token. */
export function customerSelfRoutes(deps: ApiDeps) {
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
  ];
}
