import { createHmac } from 'node:crypto';
import type { Request, Response, Router } from 'express';
import type { CustomerPrincipal } from '../../auth/principal';
import { customerOf } from '../../api/authenticate';
import { Problem } from '../../api/problem';
import { toProblem } from '../../api/problem-handler';
import { callRoute, type AnyRoute, type RouteCall } from '../../api/route';
import type { Services } from '../../services';
import { html } from '../html';
import { layout } from '../layout';
import type { PageDeps } from '../router';
import { principalForToken } from '../principal';
import { clearCookie, COOKIES, csrfTokenFor, csrfValid, newFormKey, readCookie, secureCookies, setCookie } from '../session';
import { declinedPage, linkPage, messagePage, resultPage, unknownLinkPage, type Accepted, type FormContext, type LinkView, type Page } from './views';

const CODE = /^[A-Za-z0-9_-]{32}$/;
const FORM_KEY = /^[A-Za-z0-9_-]{32}$/;
/** Which kind of link each path prefix opens. */
const PREFIX: Record<LinkView['kind'], string> = { 'trial-invitation': 'i', 'purchase-offer': 'o', 'delegated-admin': 'd' };
/** How long a page waits for the first submission of the same form to finish before answering a second one. */
const IN_PROGRESS_WAIT_MS = 20_000;

type Form = Record<string, string | string[] | undefined>;

/**
 * The pages behind the links customers receive: /i/<code>, /o/<code>, /d/<code>.
 * Each page reads the link through the API's own `viewLink` route and answers
 * through `acceptLink` and `declineLink` (rate limit, policy, validation,
 * idempotency with the form's key): nothing here re-implements them.
 */
export function customerPages(router: Router, _services: Services, deps: PageDeps, routes: AnyRoute[]): void {
  const route = (operationId: string): AnyRoute => {
    const found = routes.find((r) => r.operationId === operationId);
    if (!found) throw new Error(`customer pages need the route ${operationId}`);
    return found;
  };
  const viewLink = route('viewLink');
  const acceptLink = route('acceptLink');
  const declineLink = route('declineLink');

  const send = (res: Response, page: Page) =>
    res
      .status(page.status)
      .type('html')
      .send(layout({ title: page.title, body: page.body }));
  const secure = (_req: Request) => secureCookies(deps.publicUrl);

  /** The customer whose token is given, through the API's authentication (failed attempts are counted per address). */
  const customerByToken = (req: Request, token: string): Promise<CustomerPrincipal | undefined> => principalForToken(req, deps, token, customerOf);

  /** The customer this browser's session cookie names (a cookie that no longer works is dropped). */
  const sessionCustomer = async (req: Request, res: Response): Promise<CustomerPrincipal | undefined> => {
    const token = readCookie(req, COOKIES.customer);
    if (!token) return undefined;
    const principal = await customerByToken(req, token);
    if (!principal) clearCookie(res, COOKIES.customer, secure(req));
    return principal;
  };

  /** The link's view, as GET /v1/links/{code} answers it (for this customer, when the route takes one). */
  const view = async (req: Request, code: string, principal: CustomerPrincipal | undefined): Promise<LinkView> => {
    const reply = await callRoute(viewLink, deps, {
      req,
      principal,
      params: { code },
      query: {},
      body: undefined,
    });
    return reply.body as LinkView;
  };

  const formContext = (req: Request, res: Response, customer: CustomerPrincipal | undefined, extra: Partial<FormContext> = {}): FormContext => ({
    action: req.baseUrl + req.path,
    csrf: csrfTokenFor(req, res, deps.pageKey, secure(req)),
    newKey: newFormKey,
    customer: customer && { id: customer.customer._id, name: customer.customer.name },
    now: new Date(),
    ...extra,
  });

  /** Opens the link: its page, or why it cannot be opened. */
  const show = async (req: Request, res: Response) => {
    const code = String(req.params.code);
    if (!CODE.test(code)) return send(res, unknownLinkPage());
    const customer = await sessionCustomer(req, res);
    let v: LinkView;
    try {
      v = await view(req, code, customer);
    } catch (err) {
      if (toProblem(err)?.slug === 'not-found') return send(res, unknownLinkPage());
      throw err;
    }
    if (req.path !== `/${PREFIX[v.kind]}/${code}`) return res.redirect(303, `/${PREFIX[v.kind]}/${code}`);
    send(res, linkPage(v, formContext(req, res, customer)));
  };

  /** A form on the page was sent: accept, decline, update the totals, or sign out. */
  const act = async (req: Request, res: Response) => {
    const code = String(req.params.code);
    const form: Form = (req.body as Form | undefined) ?? {};
    const field = (name: string): string => {
      const v = form[name];
      return typeof v === 'string' ? v : '';
    };
    if (!csrfValid(req, deps.pageKey, form._csrf)) {
      return send(
        res,
        messagePage(
          403,
          'This form cannot be accepted',
          html`The form was not sent from this page in this browser (or it is too old). <a href="${req.path}">Open the page again</a> and send it from there.`,
        ),
      );
    }
    if (!CODE.test(code)) return send(res, unknownLinkPage());
    const action = field('action');
    if (action === 'signout') {
      clearCookie(res, COOKIES.customer, secure(req));
      return res.redirect(303, req.path);
    }
    const session = await sessionCustomer(req, res);
    let v: LinkView;
    try {
      v = await view(req, code, session);
    } catch (err) {
      if (toProblem(err)?.slug === 'not-found') return send(res, unknownLinkPage());
      throw err;
    }
    const values = Object.fromEntries(
      Object.entries(form).filter(([k, val]) => typeof val === 'string' && k !== 'customerToken' && k !== '_csrf' && k !== 'formKey'),
    ) as Record<string, string>;
    /** The page again, with what was entered and why it did not work. */
    const again = (status: number, error: string) => {
      const page = linkPage(v, formContext(req, res, session, { values, error }));
      return send(res, { ...page, status: page.status === 200 ? status : page.status });
    };
    if (action === 'update') return again(200, '');
    if (action !== 'accept' && action !== 'decline') return send(res, messagePage(400, 'This form cannot be accepted', 'It asked for nothing this page does.'));
    const formKey = field('formKey');
    if (!FORM_KEY.test(formKey))
      return send(res, messagePage(400, 'This form cannot be accepted', 'It is incomplete. Open the page again and send it from there.'));

    // as whom the form answers is the form's (see views.ts `hidden`): a form sent again means the same, whatever the cookies say meanwhile
    const as = field('as');
    const token = field('customerToken').trim();
    let customer: CustomerPrincipal | undefined;
    if (as === 'session') {
      if (!session) return again(401, 'This browser is no longer signed in as your company: give your customer token.');
      customer = session;
    } else if (as === 'token') {
      if (!token) return again(401, 'Give your customer token to answer as your company.');
      customer = await customerByToken(req, token);
      if (!customer) return again(401, 'That customer token is not valid (or has been revoked). Check it and try again.');
    } else if (as !== 'new' || !(v.kind === 'trial-invitation' || (v.kind === 'purchase-offer' && v.published))) {
      return send(res, messagePage(400, 'This form cannot be accepted', 'It is incomplete. Open the page again and send it from there.'));
    }
    const agreed = field('acceptDelegatedAdmin') === 'yes';
    let body: Record<string, unknown> | undefined;
    if (action === 'accept') {
      const newCustomer = customer
        ? {}
        : {
            customer: {
              name: field('companyName').trim(),
              domain: field('domain').trim(),
              contact: { name: field('contactName').trim(), email: field('contactEmail').trim() },
            },
          };
      if (v.kind === 'trial-invitation') {
        body = { acceptDelegatedAdmin: agreed, ...newCustomer };
      } else if (v.kind === 'purchase-offer') {
        const licenses: Record<string, number> = {};
        for (const item of v.items) {
          const n = field(`lic:${item.sku}`).trim();
          if (!/^\d{1,6}$/.test(n))
            return again(400, `Give the number of licenses of ${item.name} as a whole number from ${item.minLicenses} to ${item.maxLicenses}.`);
          licenses[item.sku] = Number(n);
        }
        body = { acceptDelegatedAdmin: agreed, licenses, ...newCustomer };
      } else body = {};
    }
    const call: RouteCall = {
      req,
      principal: customer,
      params: { code },
      query: {},
      body: action === 'accept' ? body : undefined,
      formKey: browserBound(deps.pageKey, req, formKey),
    };
    try {
      const reply = await untilFirstFinished(() => callRoute(action === 'accept' ? acceptLink : declineLink, deps, call));
      if (action === 'decline') return send(res, declinedPage(v));
      const accepted = reply.body as Accepted;
      // the browser now knows the customer: its next offer or request page opens as it
      if (accepted.token) setCookie(res, COOKIES.customer, accepted.token, secure(req));
      else if (token) setCookie(res, COOKIES.customer, token, secure(req));
      return send(res, resultPage(v, accepted, { replayed: reply.headers?.['Idempotent-Replayed'] === 'true', agreedDelegatedAdmin: agreed, now: new Date() }));
    } catch (err) {
      const problem = toProblem(err);
      if (!problem) throw err;
      return refused(problem);
    }

    /** Why the API refused it, said for a person. */
    function refused(problem: Problem) {
      const thing = v.kind === 'trial-invitation' ? 'invitation' : v.kind === 'purchase-offer' ? 'offer' : 'request';
      switch (problem.slug) {
        case 'validation': {
          const errors = (problem.extra.errors as Array<{ path: string; message: string }> | undefined) ?? [];
          const words = errors.map((e) => `${FIELD_WORDS[e.path] ?? e.path}: ${e.message}`).join('; ');
          return again(400, words || problem.detail);
        }
        case 'unauthenticated':
          return again(401, 'Give your customer token to answer as your company.');
        case 'customer-exists':
          return again(409, 'A customer with this domain exists already. If it is your company, answer with its customer token instead.');
        case 'license-count-out-of-bounds':
        case 'delegated-admin-not-offered':
        case 'sku-not-available':
        case 'cloud-mismatch':
          return again(problem.status, problem.detail);
        case 'invitation-not-active':
        case 'offer-not-open':
        case 'relationship-not-pending':
        case 'relationship-ended': {
          const status = String(problem.extra.offerStatus ?? problem.extra.invitationStatus ?? problem.extra.relationshipStatus ?? '') || undefined;
          const page = linkPage(
            { ...v, status: status ?? (v.kind === 'delegated-admin' ? 'terminated' : 'expired') } as LinkView,
            formContext(req, res, session),
          );
          return send(res, { ...page, status: problem.status });
        }
        case 'invitation-already-accepted':
          return send(
            res,
            messagePage(409, 'You accepted this invitation already', 'Your trial is running; to stop it, cancel it from your subscriptions.', v.partner),
          );
        case 'customer-not-onboarding':
          return send(res, messagePage(409, 'This offer cannot be bought now', `${problem.detail}. Ask ${v.partner.name} for a new invitation.`, v.partner));
        case 'partner-not-authorised':
          return send(
            res,
            messagePage(409, `This ${thing} cannot be accepted now`, `${v.partner.name} may no longer make this ${thing}; ask them about it.`, v.partner),
          );
        case 'not-found':
          return send(
            res,
            messagePage(
              404,
              `This ${thing} is not for your company`,
              `${v.partner.name} did not send this ${thing} to ${customer?.customer.name ?? 'you'}.`,
              v.partner,
            ),
          );
        case 'secret-withdrawn':
          return send(
            res,
            messagePage(
              410,
              'Accepted already; the token is not shown again',
              'This form was accepted the first time it was sent. The customer token shown then has since been withdrawn, so it is not shown again. Your company can ask for a new one; your trial and subscriptions are not affected.',
              v.partner,
            ),
          );
        case 'idempotency-key-reused':
          return send(
            res,
            messagePage(
              422,
              'This form was sent already',
              html`This form was sent before with other values. <a href="${req.path}">Open the page again</a> to start over.`,
              v.partner,
            ),
          );
        default:
          throw problem;
      }
    }
  };

  for (const prefix of Object.values(PREFIX)) {
    router.get(`/${prefix}/:code`, show);
    router.post(`/${prefix}/:code`, act);
  }
}

/** Form fields by the API's names for them. */
const FIELD_WORDS: Record<string, string> = {
  'customer.name': 'Company name',
  'customer.domain': 'Domain',
  'customer.contact.name': "Administrator's name",
  'customer.contact.email': "Administrator's e-mail",
};

/**
 * The Idempotency-Key a form is sent with: the form's key bound to this browser's CSRF seed,
 * so the first answer (and a token it carries) is replayed to the browser that sent the form only.
 */
function browserBound(pageKey: Buffer, req: Request, formKey: string): string {
  return createHmac('sha256', pageKey)
    .update(`form\n${readCookie(req, COOKIES.csrf) ?? ''}\n${formKey}`)
    .digest('base64url');
}

/** A second submission of a form whose first is still running waits for its answer (and gets it). */
async function untilFirstFinished<T>(call: () => Promise<T>): Promise<T> {
  const until = Date.now() + IN_PROGRESS_WAIT_MS;
  for (;;) {
    try {
      return await call();
    } catch (err) {
      if (!(err instanceof Problem && err.slug === 'idempotency-key-in-use') || Date.now() > until) throw err;
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}
