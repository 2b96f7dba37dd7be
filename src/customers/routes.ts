import { defineRoute } from '../api/route';
import { page } from '../api/schemas';
import type { Services } from '../services';
import { presentCustomer, presentCustomerSummary, presentTimelineEvent } from './present';
import { customerOut, customerParams, customerQuery, customerSummaryOut, timelineEventOut } from './schemas';

/** The partner's customers: list and search, one customer, its timeline. */
export function customerRoutes({ customers, onboarding }: Services) {
  return [
    defineRoute({
      method: 'get',
      path: '/v1/customers',
      operationId: 'listCustomers',
      summary: "List and search the partner's customers: filter, and sort newest first, by name or by last activity",
      description:
        'Without filters, every customer newest first. `q` matches any part of the name or domain (not only a prefix), ' +
        'case- and accent-insensitively; `status`, `sku`, `stage`, `delegatedAdmin` and `openRequests` filter (all given must hold). ' +
        '`sort=name` lists by name, `sort=lastActivity` the most recently active first. Pages follow `nextCursor`, bound to the ' +
        'filters and the sort: newest first, it stays valid while customers are added (new ones appear on top, never twice); in the ' +
        'other orders it continues after the last customer shown (a customer renamed or active meanwhile moves, and may be shown ' +
        'again or not at all). A page may hold fewer than `limit` items and still have a `nextCursor`.',
      tag: 'Customers',
      auth: 'partner',
      permission: 'customers:read',
      query: customerQuery,
      responses: { 200: { description: 'A page of customers', schema: page(customerOut) } },
      problems: ['invalid-cursor'],
      async handler({ principal, query }) {
        const { q, status, sku, stage, delegatedAdmin, openRequests } = query;
        const found = await customers.search(principal.partner._id, { q, status, sku, stage, delegatedAdmin, openRequests }, query, query.sort);
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
      path: '/v1/customers/{customerId}/summary',
      operationId: 'getCustomerSummary',
      summary: 'A customer at a glance: subscriptions and licenses used and free, delegated administration, open service requests, last activity',
      tag: 'Customers',
      auth: 'partner',
      permission: 'customers:read',
      params: customerParams,
      responses: { 200: { description: "The customer's summary", schema: customerSummaryOut } },
      async handler({ principal, params }) {
        return { status: 200, body: presentCustomerSummary(await customers.summary(principal.partner._id, params.customerId)) };
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
