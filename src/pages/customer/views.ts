import type { z } from 'zod';
import type { acceptedOut, linkViewOut } from '../../links/schemas';
import { html, type Html } from '../html';
import { day, days, daysAfter, isWebAddress, money, periodMonths, perPeriod, plural, ROLE_WORDS } from './format';

/** What GET /v1/links/{code} answers, and what accepting answers: the pages render these. */
export type LinkView = z.output<typeof linkViewOut>;
export type TrialView = Extract<LinkView, { kind: 'trial-invitation' }>;
export type OfferView = Extract<LinkView, { kind: 'purchase-offer' }>;
export type DelegatedAdminLinkView = Extract<LinkView, { kind: 'delegated-admin' }>;
export type Accepted = z.output<typeof acceptedOut>;
type Partner = LinkView['partner'];
type DelegatedAdmin = DelegatedAdminLinkView['delegatedAdmin'];

/** A page's content and the HTTP status it is answered with. */
export interface Page {
  status: number;
  title: string;
  body: Html;
}

/** What a page's forms need: where they post, the CSRF token, a fresh key per form, and what the visitor entered. */
export interface FormContext {
  /** The page's own path: every form posts back to it. */
  action: string;
  csrf: string;
  /** A fresh Idempotency-Key for each form rendered. */
  newKey: () => string;
  /** The customer this browser is signed in as (its session cookie). */
  customer?: { id: string; name: string };
  /** What the visitor entered, when the page comes back after a refusal. */
  values?: Record<string, string | undefined>;
  /** Why the last submission was refused. */
  error?: string;
  now: Date;
}

/** What the kind of link is called in a sentence. */
const THING: Record<LinkView['kind'], string> = { 'trial-invitation': 'invitation', 'purchase-offer': 'offer', 'delegated-admin': 'request' };

/**
 * Every form's hidden fields: the CSRF token, a fresh Idempotency-Key, and as whom it answers
 * (new: a new customer it describes; session: the customer this browser is signed in as; token:
 * the customer whose token it carries), so that sending it again means the same whatever the cookies say meanwhile.
 */
const hidden = (ctx: FormContext, as: 'new' | 'session' | 'token' | 'chosen' = ctx.customer ? 'session' : 'token') => html`
  <input type="hidden" name="_csrf" value="${ctx.csrf}" />
  <input type="hidden" name="formKey" value="${ctx.newKey()}" />
  ${as === 'chosen' ? '' : html`<input type="hidden" name="as" value="${as}" />`}
`;

/** A new customer describes its company (`required` unless the form offers another way to answer). */
const newCustomerFields = (ctx: FormContext, required: boolean) => html`
  <div class="field">
    <label for="company-name">Company name</label>
    <input
      id="company-name"
      name="companyName"
      ${required ? 'required' : ''}
      maxlength="200"
      autocomplete="organization"
      value="${value(ctx, 'companyName')}"
    />
  </div>
  <div class="field">
    <label for="company-domain">Domain</label>
    <input
      id="company-domain"
      name="domain"
      ${required ? 'required' : ''}
      maxlength="253"
      autocapitalize="none"
      spellcheck="false"
      placeholder="contoso.example"
      aria-describedby="domain-hint"
      value="${value(ctx, 'domain')}"
    />
    <p class="hint" id="domain-hint">Your company's internet domain, such as contoso.onmicrosoft.com.</p>
  </div>
  <div class="field">
    <label for="contact-name">Administrator's name</label>
    <input id="contact-name" name="contactName" ${required ? 'required' : ''} maxlength="200" autocomplete="name" value="${value(ctx, 'contactName')}" />
  </div>
  <div class="field">
    <label for="contact-email">Administrator's e-mail</label>
    <input
      id="contact-email"
      name="contactEmail"
      type="email"
      ${required ? 'required' : ''}
      maxlength="254"
      autocomplete="email"
      value="${value(ctx, 'contactEmail')}"
    />
  </div>
`;

/** A published offer answered by someone not signed in: a new customer, or an existing one with its token. */
const whoBuys = (ctx: FormContext) => {
  const byToken = ctx.values?.as === 'token';
  return html`<fieldset class="stack who">
    <legend>Who is buying?</legend>
    <div class="check">
      <input type="radio" id="as-new" name="as" value="new" ${byToken ? '' : 'checked'} />
      <label for="as-new">A company new to offerflow (it becomes a customer of this partner)</label>
    </div>
    ${newCustomerFields(ctx, false)}
    <div class="check">
      <input type="radio" id="as-token" name="as" value="token" ${byToken ? 'checked' : ''} />
      <label for="as-token">Already a customer (answering with its token)</label>
    </div>
    ${tokenField(ctx, 'token-accept', false)}
  </fieldset>`;
};

const errorBox = (ctx: FormContext) =>
  ctx.error ? html`<div class="alert" role="alert" id="form-error"><strong>That did not work.</strong> ${ctx.error}</div>` : undefined;

const value = (ctx: FormContext, name: string) => ctx.values?.[name] ?? '';

/** The partner's company profile: who sent this and how to reach them. */
export function partnerCard(p: Partner, heading = 'From'): Html {
  const address = Object.values(p.address ?? {}).filter((v) => typeof v === 'string' && v.trim() !== '');
  const phoneHref = p.phone.replace(/[^+0-9]/g, '');
  return html`<section class="card partner" aria-labelledby="partner-name">
    <h2 id="partner-name"><span class="muted">${heading}</span> ${p.name}</h2>
    <dl class="facts">
      <dt>Phone</dt>
      <dd>${phoneHref ? html`<a href="tel:${phoneHref}">${p.phone}</a>` : p.phone}</dd>
      <dt>E-mail</dt>
      <dd><a href="mailto:${p.email}">${p.email}</a></dd>
      <dt>Website</dt>
      <dd>${isWebAddress(p.website) ? html`<a href="${p.website}" rel="noopener noreferrer">${p.website}</a>` : p.website}</dd>
      ${
        address.length
          ? html`<dt>Address</dt>
              <dd>${address.join(', ')}</dd>`
          : ''
      }
    </dl>
  </section>`;
}

/** Delegated administration as asked for: role in words, duration, extension, and what it lets the partner do. */
export function delegatedAdminSection(da: DelegatedAdmin, partnerName: string): Html {
  const role = ROLE_WORDS[da.role] ?? { name: da.role, does: '' };
  return html`<section class="card da" aria-labelledby="da-heading">
    <h2 id="da-heading">Delegated administration</h2>
    <p class="plain">${partnerName} asks to administer your company. ${role.does}</p>
    <dl class="facts">
      <dt>Role</dt>
      <dd>${role.name}</dd>
      <dt>Duration</dt>
      <dd>${days(da.durationDays)} from the day you accept</dd>
      <dt>Extension</dt>
      <dd>${da.autoExtend ? `Extended automatically by ${days(da.extensionDays)} each time it would end` : 'Not extended: it ends by itself'}</dd>
    </dl>
    <p class="muted">You can end it at any time.</p>
  </section>`;
}

const daCheckbox = (ctx: FormContext, id: string) =>
  html`<div class="check">
    <input type="checkbox" id="${id}" name="acceptDelegatedAdmin" value="yes" ${ctx.values?.acceptDelegatedAdmin === 'yes' ? html` checked` : ''} />
    <label for="${id}">Also grant delegated administration, as described above</label>
  </div>`;

const tokenField = (ctx: FormContext, id: string, required: boolean) =>
  html`<div class="field">
    <label for="${id}">Customer token</label>
    <input
      type="password"
      id="${id}"
      name="customerToken"
      autocomplete="off"
      spellcheck="false"
      ${required ? html` required` : ''}
      aria-describedby="${id}-hint"
    />
    <p class="hint" id="${id}-hint">The token offerflow showed your company when it first accepted an invitation (it starts with <code>ofc.</code>).</p>
  </div>`;

/** "Signed in as …" and a way out, for a browser that holds a customer session. */
const signedIn = (ctx: FormContext) =>
  ctx.customer
    ? html`<div class="signed-in">
        <p>You are answering as <strong>${ctx.customer.name}</strong>.</p>
        <form method="post" action="${ctx.action}" class="inline">
          ${hidden(ctx)}<button type="submit" name="action" value="signout" class="link">Not you? Sign out</button>
        </form>
      </div>`
    : undefined;

/** /i/<code>: a trial invitation. */
export function trialPage(view: TrialView, ctx: FormContext): Page {
  const s = view.service;
  const endsIfToday = daysAfter(ctx.now, s.trialDays);
  const da = view.delegatedAdmin;
  const accept = ctx.customer
    ? html`<form method="post" action="${ctx.action}" class="stack">
        ${hidden(ctx)} ${da ? daCheckbox(ctx, 'da-existing') : ''}
        <div class="actions"><button type="submit" name="action" value="accept" class="primary">Start the trial</button></div>
      </form>`
    : html`<form method="post" action="${ctx.action}" class="stack" aria-labelledby="new-customer">
          ${hidden(ctx, 'new')}
          <h3 id="new-customer">New to offerflow? Describe your company</h3>
          ${newCustomerFields(ctx, true)} ${da ? daCheckbox(ctx, 'da-new') : ''}
          <div class="actions"><button type="submit" name="action" value="accept" class="primary">Start the trial</button></div>
        </form>
        <form method="post" action="${ctx.action}" class="stack existing" aria-labelledby="existing-customer">
          ${hidden(ctx, 'token')}
          <h3 id="existing-customer">Already a customer? Use your customer token</h3>
          ${tokenField(ctx, 'token-accept', true)} ${da ? daCheckbox(ctx, 'da-token') : ''}
          <div class="actions"><button type="submit" name="action" value="accept" class="primary">Start the trial as this customer</button></div>
        </form>`;
  return {
    status: 200,
    title: `Trial of ${s.name}`,
    body: html`<h1>${view.partner.name} invites you to try ${s.name}</h1>
      ${errorBox(ctx)}
      <section class="card offer" aria-labelledby="trial-heading">
        <h2 id="trial-heading">The trial</h2>
        <p>${s.description}</p>
        <dl class="facts">
          <dt>Service</dt>
          <dd>${s.name} <span class="muted">(${s.sku})</span></dd>
          <dt>Length</dt>
          <dd>${days(s.trialDays)}, free of charge</dd>
          <dt>Licenses</dt>
          <dd>${plural(s.licenses, 'license')}</dd>
          <dt>Ends</dt>
          <dd>on ${day(endsIfToday)} if you start it today</dd>
          <dt>Invitation valid until</dt>
          <dd>${day(view.expiresAt)}</dd>
        </dl>
      </section>
      ${da ? delegatedAdminSection(da, view.partner.name) : ''} ${partnerCard(view.partner)}
      <section class="card accept" aria-labelledby="accept-heading">
        <h2 id="accept-heading">Accept</h2>
        ${signedIn(ctx)} ${accept}
      </section>
      <section class="card decline" aria-labelledby="decline-heading">
        <h2 id="decline-heading">Not interested?</h2>
        <form method="post" action="${ctx.action}">
          ${hidden(ctx, ctx.customer ? 'session' : 'new')}<button type="submit" name="action" value="decline" class="secondary">Decline the invitation</button>
        </form>
      </section>`,
  };
}

/** The license count the form shows for a line: what the visitor entered, or the offer's. */
const countOf = (ctx: FormContext, item: OfferView['items'][number]) => ctx.values?.[`lic:${item.sku}`] ?? String(item.licenses);

/** Monthly and per-period totals of an offer with the given counts (minor units); undefined where a count is not a number. */
export function offerTotals(view: OfferView, counts: Record<string, number | undefined>) {
  const lines = view.items.map((i) => {
    const n = counts[i.sku];
    return n === undefined ? undefined : n * i.monthlyPricePerLicense.amount;
  });
  const month = lines.every((l) => l !== undefined) ? lines.reduce<number>((a, l) => a + l!, 0) : undefined;
  const periodDays = typeof view.billingPeriodDays === 'number' ? view.billingPeriodDays : undefined;
  return { lines, month, period: month !== undefined && periodDays !== undefined ? perPeriod(month, periodDays) : undefined, periodDays };
}

const asCount = (s: string): number | undefined => (/^\d{1,6}$/.test(s.trim()) ? Number(s.trim()) : undefined);

/** /o/<code>: a purchase offer, its license counts changeable within the catalog's bounds. */
export function offerPage(view: OfferView, ctx: FormContext): Page {
  const currency = view.items[0]?.monthlyPricePerLicense.currency ?? 'USD';
  const counts = Object.fromEntries(view.items.map((i) => [i.sku, asCount(countOf(ctx, i))]));
  const totals = offerTotals(view, counts);
  const shown = (minor: number | undefined) => (minor === undefined ? '—' : money(minor, currency));
  const da = view.delegatedAdmin;
  const rows = view.items.map(
    (item, i) =>
      html`<tr data-line data-price="${item.monthlyPricePerLicense.amount}">
        <th scope="row">${item.name} <span class="muted">(${item.sku})</span><span class="desc">${item.description}</span></th>
        <td data-label="Licenses">
          <label for="lic-${item.sku}" class="visually-hidden">Licenses of ${item.name}</label>
          <input
            type="number"
            id="lic-${item.sku}"
            name="lic:${item.sku}"
            min="${item.minLicenses}"
            max="${item.maxLicenses}"
            step="1"
            inputmode="numeric"
            required
            value="${countOf(ctx, item)}"
            aria-describedby="bounds-${item.sku}"
          />
          <span class="hint" id="bounds-${item.sku}">${item.minLicenses} to ${item.maxLicenses}</span>
        </td>
        <td data-label="Per license / month">${money(item.monthlyPricePerLicense.amount, currency)}</td>
        <td data-label="Line / month"><output data-line-total for="lic-${item.sku}">${shown(totals.lines[i])}</output></td>
      </tr>`,
  );
  return {
    status: 200,
    title: 'Your offer',
    body: html`<h1>${view.partner.name} offers you ${view.items.length === 1 ? view.items[0]!.name : plural(view.items.length, 'service')}</h1>
      ${errorBox(ctx)} ${partnerCard(view.partner)}
      <section class="card offer" aria-labelledby="offer-heading">
        <h2 id="offer-heading">What you buy</h2>
        ${view.published ? html`<p>${view.partner.name} offers this to any company${ctx.customer ? '' : ': describe yours, or answer with its customer token'}.</p>` : ''}
        <p class="muted">You may change the number of licenses within the bounds shown. Offer valid until ${day(view.expiresAt)}.</p>
        ${signedIn(ctx)}
        <form
          method="post"
          action="${ctx.action}"
          class="stack"
          data-offer
          data-currency="${currency}"
          data-period-days="${totals.periodDays ?? ''}"
          data-period-months="${totals.periodDays !== undefined ? String(periodMonths(totals.periodDays)) : ''}"
        >
          ${hidden(ctx, view.published && !ctx.customer ? 'chosen' : undefined)}
          <table class="lines">
            <thead>
              <tr>
                <th scope="col">Service</th>
                <th scope="col">Licenses</th>
                <th scope="col">Per license / month</th>
                <th scope="col">Line / month</th>
              </tr>
            </thead>
            <tbody>
              ${rows}
            </tbody>
            <tfoot>
              <tr>
                <th scope="row" colspan="3">Total per month</th>
                <td data-label="Total per month"><output data-total-month aria-live="polite">${shown(totals.month)}</output></td>
              </tr>
              ${
                totals.periodDays !== undefined
                  ? html`<tr>
                      <th scope="row" colspan="3">Total per billing period (${days(totals.periodDays)})</th>
                      <td data-label="Per billing period"><output data-total-period aria-live="polite">${shown(totals.period)}</output></td>
                    </tr>`
                  : ''
              }
            </tfoot>
          </table>
          ${da ? delegatedAdminSection(da, view.partner.name) : ''} ${da ? daCheckbox(ctx, 'da-offer') : ''}
          ${ctx.customer ? '' : view.published ? whoBuys(ctx) : tokenField(ctx, 'token-accept', true)}
          <div class="actions">
            <button type="submit" name="action" value="accept" class="primary">Accept and buy</button>
            <button type="submit" name="action" value="update" class="secondary nojs" formnovalidate>Update the totals</button>
          </div>
        </form>
      </section>
      ${declineSection(ctx, 'Decline the offer')}`,
  };
}

function declineSection(ctx: FormContext, label: string): Html {
  return html`<section class="card decline" aria-labelledby="decline-heading">
    <h2 id="decline-heading">Not interested?</h2>
    <form method="post" action="${ctx.action}" class="stack">
      ${hidden(ctx)} ${ctx.customer ? '' : tokenField(ctx, 'token-decline', true)}
      <div class="actions"><button type="submit" name="action" value="decline" class="secondary">${label}</button></div>
    </form>
  </section>`;
}

/** /d/<code>: a partner asks an existing customer for delegated administration. */
export function delegatedAdminPage(view: DelegatedAdminLinkView, given: FormContext): Page {
  // signed in as another customer: the request is not its to answer, so the page asks for the token of the one it asks
  const ctx = given.customer && given.customer.id !== view.customer.id ? { ...given, customer: undefined } : given;
  return {
    status: 200,
    title: 'Delegated administration',
    body: html`<h1>${view.partner.name} asks to administer ${view.customer.name}</h1>
      ${errorBox(ctx)} ${partnerCard(view.partner)} ${delegatedAdminSection(view.delegatedAdmin, view.partner.name)}
      <section class="card" aria-labelledby="request-heading">
        <h2 id="request-heading">The request</h2>
        <dl class="facts">
          <dt>For</dt>
          <dd>${view.customer.name}</dd>
          <dt>Asked on</dt>
          <dd>${day(view.requestedAt)}</dd>
          ${
            view.lapsesAt
              ? html`<dt>Answer by</dt>
                  <dd>${day(view.lapsesAt)}; after that the request lapses and nothing is granted</dd>`
              : ''
          }
        </dl>
      </section>
      <section class="card accept" aria-labelledby="accept-heading">
        <h2 id="accept-heading">Accept</h2>
        <p>Until you accept, nothing is granted.</p>
        ${signedIn(ctx)}
        <form method="post" action="${ctx.action}" class="stack">
          ${hidden(ctx)} ${ctx.customer ? '' : tokenField(ctx, 'token-accept', true)}
          <div class="actions"><button type="submit" name="action" value="accept" class="primary">Accept delegated administration</button></div>
        </form>
      </section>
      ${declineSection(ctx, 'Decline the request')}`,
  };
}

/** The page for a link's view: the form to answer it, or why it cannot be answered any more. */
export function linkPage(view: LinkView, ctx: FormContext): Page {
  switch (view.kind) {
    case 'trial-invitation':
      return view.status === 'active' ? trialPage(view, ctx) : closedPage(view, view.status);
    case 'purchase-offer':
      return view.status === 'open' ? offerPage(view, ctx) : closedPage(view, view.status);
    case 'delegated-admin':
      return view.status === 'approval-pending' ? delegatedAdminPage(view, ctx) : closedPage(view, view.status);
  }
}

const contactLine = (p: Partner) => html`<p>Questions? Contact ${p.name}: <a href="mailto:${p.email}">${p.email}</a>${p.phone ? html`, ${p.phone}` : ''}.</p>`;

/** Why a link cannot be answered (any more): revoked, expired, superseded, accepted, declined, ended; with the partner's contact. */
export function closedPage(view: LinkView, status: string): Page {
  const thing = THING[view.kind];
  const who = view.partner.name;
  const expiresAt = 'expiresAt' in view ? view.expiresAt : view.kind === 'delegated-admin' ? view.endsAt : undefined;
  let title: string;
  let says: string;
  let code = 410;
  switch (status) {
    case 'revoked':
      title = `This ${thing} was withdrawn`;
      says = `${who} withdrew this ${thing}; it can no longer be accepted.`;
      break;
    case 'expired':
      title = `This ${thing} has expired`;
      says =
        view.kind === 'delegated-admin'
          ? `Delegated administration for ${who} ended${expiresAt ? ` on ${day(expiresAt)}` : ''}.`
          : `This ${thing} expired${expiresAt ? ` on ${day(expiresAt)}` : ''}; it can no longer be accepted.`;
      break;
    case 'superseded':
      title = 'A newer offer replaces this one';
      says = `${who} has sent you a newer offer since; this one no longer applies. Open the link in their latest e-mail.`;
      break;
    case 'accepted':
      title = `You accepted this ${thing} already`;
      says = `This ${thing} was accepted already; there is nothing more to do here.`;
      code = 200;
      break;
    case 'declined':
      title = `This ${thing} was declined`;
      says = `This ${thing} was declined; it can no longer be accepted.`;
      break;
    case 'active':
    case 'expiring':
      title = 'Delegated administration is active';
      says = `You accepted this request already: ${who} administers your company${expiresAt ? ` until ${day(expiresAt)}` : ''}.`;
      code = 200;
      break;
    case 'terminated':
      title = 'Delegated administration was ended';
      says = `Delegated administration for ${who} was ended; nothing is granted any more.`;
      break;
    case 'lapsed':
      title = 'This request has lapsed';
      says = `Nobody answered this request in time, so it lapsed and nothing was granted.`;
      break;
    default:
      title = `This ${thing} is closed`;
      says = `This ${thing} is ${status}; it can no longer be accepted.`;
  }
  return {
    status: code,
    title,
    body: html`<h1>${title}</h1>
      <p class="lead" data-status="${status}">${says}</p>
      ${contactLine(view.partner)}${partnerCard(view.partner, 'Sent by')}`,
  };
}

/** A link nobody issued (or mistyped). */
export function unknownLinkPage(): Page {
  return {
    status: 404,
    title: 'Unknown link',
    body: html`<h1>This link is unknown</h1>
      <p class="lead">
        We could not find what this link stands for. Check that you opened the whole link from the e-mail or page you received it on; if it still does not work,
        ask the partner who sent it to send it again.
      </p>`,
  };
}

/** A page that says one thing, with the partner's contact when known. */
export function messagePage(status: number, title: string, says: string | Html, partner?: Partner): Page {
  return {
    status,
    title,
    body: html`<h1>${title}</h1>
      <p class="lead">${says}</p>
      ${partner ? html`${contactLine(partner)}${partnerCard(partner, 'Sent by')}` : ''}`,
  };
}

export interface ResultOptions {
  /** The answer is the first submission's (the form was sent again). */
  replayed: boolean;
  /** The customer agreed to delegated administration (invitations answer without saying so). */
  agreedDelegatedAdmin: boolean;
  now: Date;
}

/** What accepting did; a new customer's token, shown this once. */
export function resultPage(view: LinkView, accepted: Accepted, opts: ResultOptions): Page {
  const who = view.partner.name;
  let title: string;
  let what: Html;
  if (view.kind === 'trial-invitation') {
    title = 'Your trial has started';
    what = html`<p class="lead">
      Your trial of <strong>${view.service.name}</strong> has started with ${plural(view.service.licenses, 'license')}. It runs until
      <strong>${day(daysAfter(opts.now, view.service.trialDays))}</strong>.
    </p>`;
  } else if (view.kind === 'purchase-offer') {
    const names = new Map(view.items.map((i) => [i.sku, i.name]));
    const subs = accepted.subscriptions ?? [];
    title = 'Thank you for your purchase';
    what = html`<p class="lead">These subscriptions are yours now:</p>
      <ul class="subs">
        ${subs.map(
          (s) =>
            html`<li>
              <strong>${names.get(s.sku) ?? s.sku}</strong>:
              ${plural(s.licenses, 'license')}${s.convertedTrial ? ' (your trial, now paid)' : ' (new subscription)'}
            </li>`,
        )}
      </ul>`;
  } else {
    const role = ROLE_WORDS[view.delegatedAdmin.role] ?? { name: view.delegatedAdmin.role };
    title = 'Delegated administration accepted';
    what = html`<dl class="facts">
      <dt>Role</dt>
      <dd>${role.name}</dd>
      <dt>Until</dt>
      <dd>
        ${day(daysAfter(opts.now, view.delegatedAdmin.durationDays))}${
          view.delegatedAdmin.autoExtend ? `, then extended by ${days(view.delegatedAdmin.extensionDays)} each time` : ''
        }
      </dd>
    </dl>`;
  }
  const da = accepted.delegatedAdmin;
  const daLine =
    view.kind === 'delegated-admin'
      ? html`<p>
          ${
            da?.status === 'approval-pending'
              ? `Delegated administration for ${who} is waiting for approval.`
              : `Delegated administration is active: ${who} may now act in your company as you agreed.`
          }
        </p>`
      : da
        ? html`<p>
            ${
              da.status === 'active'
                ? `Delegated administration is active: ${who} may now act in your company as you agreed.`
                : `Delegated administration is waiting for your approval; nothing is granted until you accept it.`
            }
          </p>`
        : view.delegatedAdmin
          ? html`<p>
              ${
                opts.agreedDelegatedAdmin
                  ? `You granted delegated administration to ${who}.`
                  : `You did not grant delegated administration; ${who} has no administrative access.`
              }
            </p>`
          : '';
  const token = accepted.token
    ? html`<section class="card token" aria-labelledby="token-heading">
        <h2 id="token-heading">Your customer token</h2>
        <p>
          <strong>Shown this once.</strong> Copy it now and keep it safe: with it your company accepts offers and manages its subscriptions. This browser
          remembers it for a few hours, so the next offer you open here knows you.
        </p>
        <label for="customer-token">Customer token</label>
        <textarea id="customer-token" class="token-value" readonly rows="4" spellcheck="false" autocomplete="off">${accepted.token}</textarea>
      </section>`
    : '';
  return {
    status: 200,
    title,
    body: html`<h1>${title}</h1>
      ${opts.replayed ? html`<p class="note" role="status">This form was sent more than once; this is the result of the first time. Nothing was done twice.</p>` : ''}
      <p>For <strong>${accepted.customer.name}</strong> <span class="muted">(${accepted.customer.domain})</span>.</p>
      ${what} ${daLine} ${token} ${contactLine(view.partner)}`,
  };
}

/** Declining went through. */
export function declinedPage(view: LinkView): Page {
  const thing = THING[view.kind];
  return {
    status: 200,
    title: `You declined the ${thing}`,
    body: html`<h1>You declined the ${thing}</h1>
      <p class="lead">Nothing was started and nothing is granted. Changed your mind? Ask ${view.partner.name} to send it again.</p>
      ${contactLine(view.partner)}`,
  };
}
