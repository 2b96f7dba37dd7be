import type { Request, Response, Router } from 'express';
import type { PartnerPrincipal } from '../../auth/principal';
import type { AnyRoute } from '../../api/route';
import { toProblem } from '../../api/problem-handler';
import type { PageDeps } from '../router';
import { csrfTokenFor, csrfValid, secureCookies } from '../session';
import { apiFor, dashboardRoutes, type CallApi } from './api';
import { partnerUserForToken, sessionOf, signIn, signOut } from './auth';
import type { Funnel } from './funnel-chart';
import {
  activityView,
  customersView,
  customerView,
  funnelView,
  invitationsView,
  offersView,
  offerView,
  problemView,
  signInPage,
  type AuditEvent,
  type Customer,
  type Frame,
  type Invitation,
  type Me,
  type Offer,
  type Page,
  type TimelineEvent,
} from './views';

const MESSAGES = {
  ended: 'Your session has ended: the token was revoked or expired, or your user was deactivated. Sign in with a current token.',
  badToken: 'That token did not work: it is mistyped, expired or revoked. Ask a global admin of your company for a new one.',
  csrf: 'This form had expired. Please try again.',
  signedOut: 'You are signed out.',
  signIn: 'Please sign in to see the dashboard.',
} as const;

const DAY_MS = 24 * 3600 * 1000;
const isDay = (s: string | undefined): s is string => s !== undefined && /^\d{4}-\d{2}-\d{2}$/.test(s);

/** One value of a query parameter (a repeated one counts as absent), empty as absent. */
function one(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

/**
 * The partner dashboard: /dashboard. A partner user signs in with their API token;
 * every page is made of calls of the API's own routes (`routes`, found by
 * operationId), as that user, so what a page shows follows the API's policy.
 */
export function dashboardPages(router: Router, routes: AnyRoute[], deps: PageDeps): void {
  const ops = dashboardRoutes(routes);
  const secure = secureCookies(deps.publicUrl);
  const base = deps.temporalUiUrl.replace(/\/+$/, '');
  const temporalUrl = (workflowId: string) => `${base}/namespaces/${encodeURIComponent(deps.temporalNamespace)}/workflows/${encodeURIComponent(workflowId)}`;

  const signInForm = (req: Request, res: Response, status: number, note?: { text: string; kind: 'error' | 'info' }) => {
    const csrf = csrfTokenFor(req, res, deps.pageKey, secure);
    res.status(status).type('html').send(signInPage(csrf, note));
  };

  /** A page for a signed-in partner user; without a working session, the sign-in form (with why). */
  const signedIn =
    (render: (ctx: { req: Request; api: CallApi; frame: Frame; principal: PartnerPrincipal }) => Promise<string>, { home = false } = {}) =>
    async (req: Request, res: Response) => {
      const session = await sessionOf(req, res, deps);
      if (session.state === 'ended') return signInForm(req, res, 401, { text: MESSAGES.ended, kind: 'error' });
      if (session.state === 'none') {
        if (home) return signInForm(req, res, 200, one(req.query['signed-out']) ? { text: MESSAGES.signedOut, kind: 'info' } : undefined);
        return signInForm(req, res, 401, { text: MESSAGES.signIn, kind: 'info' });
      }
      const api = apiFor(ops, deps, req, session.principal);
      const frame: Frame = { me: (await api('getMe')) as Me, csrf: csrfTokenFor(req, res, deps.pageKey, secure), temporalUrl };
      try {
        res.type('html').send(await render({ req, api, frame, principal: session.principal }));
      } catch (err) {
        // the API's refusal (403, 404, 400…) in the dashboard's frame; anything else to the error page
        const problem = toProblem(err);
        if (!problem || problem.status >= 500 || problem.status === 429) throw err;
        for (const [k, v] of Object.entries(problem.headers)) res.set(k, v);
        res
          .status(problem.status)
          .type('html')
          .send(problemView(frame, problem.status, problem.detail));
      }
    };

  /** Calls the API; a refusal of the caller's own input (400) comes back as its message, to show beside the form. */
  const tryApi = async <T>(call: () => Promise<unknown>): Promise<{ body?: T; error?: string }> => {
    try {
      return { body: (await call()) as T };
    } catch (err) {
      const problem = toProblem(err);
      if (problem && problem.status === 400) return { error: problem.detail };
      throw err;
    }
  };

  router.get(
    '/dashboard',
    signedIn(
      async ({ req, api, frame }) => {
        const today = new Date();
        const to = isDay(one(req.query.to)) ? one(req.query.to)! : today.toISOString().slice(0, 10);
        const from = isDay(one(req.query.from)) ? one(req.query.from)! : new Date(today.getTime() - 29 * DAY_MS).toISOString().slice(0, 10);
        const found = await tryApi<Funnel>(() => api('getFunnel', { query: { from, to } }));
        return funnelView(frame, { from, to }, found.body, found.error);
      },
      { home: true },
    ),
  );

  router.post('/dashboard/sign-in', async (req: Request, res: Response) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    if (!csrfValid(req, deps.pageKey, body.csrf)) return signInForm(req, res, 403, { text: MESSAGES.csrf, kind: 'error' });
    const token = typeof body.token === 'string' ? body.token.trim() : '';
    const principal = token ? await partnerUserForToken(req, deps, token) : undefined;
    if (!principal) return signInForm(req, res, 401, { text: MESSAGES.badToken, kind: 'error' });
    signIn(res, deps, token);
    res.redirect(303, '/dashboard');
  });

  router.post('/dashboard/sign-out', (req: Request, res: Response) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    if (!csrfValid(req, deps.pageKey, body.csrf)) return signInForm(req, res, 403, { text: MESSAGES.csrf, kind: 'error' });
    signOut(res, deps);
    res.redirect(303, '/dashboard?signed-out=1');
  });

  router.get(
    '/dashboard/customers',
    signedIn(async ({ req, api, frame }) => {
      const filters = { q: one(req.query.q)?.trim() || undefined, status: one(req.query.status), cursor: one(req.query.cursor) };
      const query: Record<string, string> = {};
      for (const [k, v] of Object.entries(filters)) if (v) query[k] = v;
      const found = await tryApi<Page<Customer>>(() => api('listCustomers', { query }));
      return customersView(frame, filters, found.body, found.error);
    }),
  );

  router.get(
    '/dashboard/customers/:customerId',
    signedIn(async ({ req, api, frame }) => {
      const params = { customerId: String(req.params.customerId) };
      const customer = (await api('getCustomer', { params })) as Customer;
      const timeline = (await api('getCustomerTimeline', { params })) as TimelineEvent[];
      return customerView(frame, customer, timeline);
    }),
  );

  const cursorOnly = (req: Request): Record<string, string> => {
    const cursor = one(req.query.cursor);
    return cursor ? { cursor } : {};
  };

  router.get(
    '/dashboard/invitations',
    signedIn(async ({ req, api, frame }) =>
      invitationsView(frame, (await api('listInvitations', { query: cursorOnly(req) })) as Page<Invitation>, !one(req.query.cursor)),
    ),
  );

  router.get(
    '/dashboard/offers',
    signedIn(async ({ req, api, frame }) => offersView(frame, (await api('listOffers', { query: cursorOnly(req) })) as Page<Offer>, !one(req.query.cursor))),
  );

  router.get(
    '/dashboard/offers/:offerId',
    signedIn(async ({ req, api, frame }) => offerView(frame, (await api('getOffer', { params: { offerId: String(req.params.offerId) } })) as Offer)),
  );

  router.get(
    '/dashboard/activity',
    signedIn(async ({ req, api, frame }) =>
      activityView(frame, (await api('listAuditEvents', { query: cursorOnly(req) })) as Page<AuditEvent>, !one(req.query.cursor)),
    ),
  );
}
