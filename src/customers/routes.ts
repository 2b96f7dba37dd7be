import { defineRoute } from '../api/route';
import { page } from '../api/schemas';
import type { Services } from '../services';
import { presentCustomer, presentTimelineEvent } from './present';
import { customerOut, customerParams, customerQuery, timelineEventOut } from './schemas';

/** The partner's customers: list and search, one customer, its timeline. */
export function customerRoutes({ customers, onboarding }: Services) {
  return [
    defineRoute({
      method: 'get',
      path: '/v1/customers',
      operationId: 'listCustomers',
      summary: "List and search the partner's customers, newest first",
      description:
        'Without filters, every customer newest first. `q` matches any part of the name or domain (not only a prefix), ' +
        'case- and accent-insensitively; `status` and `sku` filter. Pages follow `nextCursor`, which stays valid while customers ' +
        'are added (new ones appear on top, never twice). A page may hold fewer than `limit` items and still have a `nextCursor`.',
      tag: 'Customers',
      auth: 'partner',
      permission: 'customers:read',
      query: customerQuery,
      responses: { 200: { description: 'A page of customers', schema: page(customerOut) } },
      problems: ['invalid-cursor'],
      async handler({ principal, query }) {
        const found = await customers.search(principal.partner._id, { q: query.q, status: query.status, sku: query.sku }, query);
        return { status: 200, body: { items: found.items.map(presentCustomer), nextCursor: found.nextCursor } };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/v1/customers/{customerId}/timeline',
      operationId: 'getCustomerTimeline',
      summary: "A customer's timeline: each stage, when, by whom, and the workflow",
      tag: 'Customers',
      auth: 'partner',
      permission: 'customers:read',
      params: customerParams,
      responses: { 200: { description: 'The stages, oldest first', schema: timelineEventOut.array() } },
      async handler({ principal, params }) {
        await customers.requireCustomerOf(principal.partner._id, params.customerId);
        return { status: 200, body: (await onboarding.timeline(principal.partner._id, params.customerId)).map(presentTimelineEvent) };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/v1/customers/{customerId}',
      operationId: 'getCustomer',
      summary: 'One customer of the partner',
      tag: 'Customers',
      auth: 'partner',
      permission: 'customers:read',
      params: customerParams,
      responses: { 200: { description: 'The customer', schema: customerOut } },
      async handler({ principal, params }) {
        return { status: 200, body: presentCustomer(await customers.get(principal.partner._id, params.customerId)) };
      },
    }),
  ];
}
