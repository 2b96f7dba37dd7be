import { defineRoute } from '../api/route';
import type { Services } from '../services';
import { funnelOut, funnelQuery } from './schemas';

/** The partner's conversion funnel. */
export function funnelRoutes({ funnel }: Services) {
  return [
    defineRoute({
      method: 'get',
      path: '/v1/funnel',
      operationId: 'getFunnel',
      summary: 'The conversion funnel over a period: invited → trial → offer sent → purchased → delegated admin active',
      description:
        'Distinct customers (for `invited`, e-mail addresses invited, and the contacts of customers who came without one) reaching each step, per day, summed over the period; ' +
        "each step's rate is its count over the previous step's. Kept by the workflows as each step happens (a read model), not computed from the customers.",
      tag: 'Customers',
      auth: 'partner',
      permission: 'customers:read',
      query: funnelQuery,
      responses: { 200: { description: 'The funnel', schema: funnelOut } },
      async handler({ principal, query }) {
        return { status: 200, body: await funnel.get(principal.partner._id, query.from, query.to) };
      },
    }),
  ];
}
