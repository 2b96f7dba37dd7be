import { z } from 'zod';
import { defineRoute } from '../../api/route';

/**
 * TEMPORARY stand-in for the API route getFunnel (GET /v1/funnel), which the lead
 * engineer is adding to main. The dashboard uses it only while no route with
 * operationId getFunnel exists (src/pages/dashboard/api.ts); it is never mounted on
 * the API. It answers the agreed shape with zero counts. Delete this file (and its
 * one import in api.ts) once the real route lands.
 */
const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date YYYY-MM-DD');

const STEPS = [
  { step: 'invited', label: 'Invited' },
  { step: 'trial', label: 'Trial' },
  { step: 'offer-sent', label: 'Offer sent' },
  { step: 'purchased', label: 'Purchased' },
  { step: 'delegated-admin-active', label: 'Delegated admin active' },
] as const;

export const funnelStubRoute = defineRoute({
  method: 'get',
  path: '/v1/funnel',
  operationId: 'getFunnel',
  summary: 'STAND-IN: the conversion funnel over a period (zeros until the real route exists)',
  tag: 'Customers',
  auth: 'partner',
  permission: 'customers:read',
  query: z.strictObject({ from: day, to: day }),
  responses: { 200: { description: 'The funnel' } },
  handler({ query }) {
    return Promise.resolve({
      status: 200,
      body: { from: query.from, to: query.to, steps: STEPS.map((s) => ({ ...s, count: 0, rate: null })) },
    });
  },
});
