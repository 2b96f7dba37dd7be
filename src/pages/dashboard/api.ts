import type { Request } from 'express';
import type { PartnerPrincipal } from '../../auth/principal';
import { callRoute, type AnyRoute } from '../../api/route';
import type { RouteDeps } from '../../api/deps';

/** The API operations the dashboard shows: each page is one or more calls of these very routes. */
export const DASHBOARD_OPERATIONS = [
  'getMe',
  'getFunnel',
  'listCustomers',
  'getCustomer',
  'getCustomerTimeline',
  'listInvitations',
  'listOffers',
  'getOffer',
  'listAuditEvents',
] as const;
export type DashboardOperation = (typeof DASHBOARD_OPERATIONS)[number];

export type CallApi = (operationId: DashboardOperation, input?: { params?: Record<string, string>; query?: Record<string, string> }) => Promise<unknown>;

/** The dashboard's routes by operationId, out of the API's own list. */
export function dashboardRoutes(routes: AnyRoute[]): Record<DashboardOperation, AnyRoute> {
  const found = {} as Record<DashboardOperation, AnyRoute>;
  for (const op of DASHBOARD_OPERATIONS) {
    const route = routes.find((r) => r.operationId === op);
    if (!route) throw new Error(`the dashboard needs the API route ${op}, which does not exist`);
    found[op] = route;
  }
  return found;
}

/**
 * Calls of the API's routes for one page request, as the signed-in partner user:
 * the same rate limit, policy, validation and handler an API call goes through.
 * A refusal (403, 404, 400…) is thrown as the API's problem, which the page's error
 * handler shows; the reply's body is returned.
 */
export function apiFor(routes: Record<DashboardOperation, AnyRoute>, deps: RouteDeps, req: Request, principal: PartnerPrincipal): CallApi {
  return async (operationId, input = {}) => {
    const reply = await callRoute(routes[operationId], deps, { req, principal, params: input.params ?? {}, query: input.query ?? {}, body: undefined });
    return reply.body;
  };
}
