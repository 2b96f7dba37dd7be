import type { z } from 'zod';
import { defineRoute } from '../api/route';
import { decodeCursor, encodeCursor } from '../api/cursor';
import type { ApiDeps } from '../api/deps';
import { notFound } from '../api/problem';
import { page } from '../api/schemas';
import type { PartnerCustomer } from './directory/model';
import { customerOut, customerParams, customerQuery, timelineEventOut } from './schemas';
import type { TimelineEventDoc } from '../timeline/model';
import { requirePartnersCustomer } from './known';

export function presentCustomer(c: PartnerCustomer): z.infer<typeof customerOut> {
  return {
    id: c.customerId,
    name: c.name,
    domain: c.domain,
    cloud: c.cloud,
    status: c.status,
    stage: c.stage,
    skus: c.skus,
    createdAt: c.createdAt.toISOString(),
    updatedAt: c.updatedAt.toISOString(),
  };
}

export function customerRoutes(deps: ApiDeps) {
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
        const filter = { q: query.q, status: query.status, sku: query.sku };
        const scope = { partner: principal.partner._id, ...filter };
        const before = decodeCursor<number>(query.cursor, scope, 'number');
        const result = await deps.directory.search(principal.partner._id, filter, query.limit, before);
        return {
          status: 200,
          body: { items: result.items.map(presentCustomer), nextCursor: result.next === undefined ? undefined : encodeCursor(result.next, scope) },
        };
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
        await requirePartnersCustomer(deps, principal.partner._id, params.customerId);
        const events = await deps.models.TimelineEvent.find({ partnerId: principal.partner._id, customerId: params.customerId }).sort({ at: 1, _id: 1 }).lean<TimelineEventDoc[]>();
        return {
          status: 200,
          body: events.map((e) => ({ stage: e.stage, at: e.at.toISOString(), by: e.by, detail: e.detail ?? undefined, workflowId: e.workflowId })),
        };
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
        const c = await deps.directory.get(principal.partner._id, params.customerId);
        if (!c) throw notFound(`customer ${params.customerId}`);
        return { status: 200, body: presentCustomer(c) };
      },
    }),
  ];
}
