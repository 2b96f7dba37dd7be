import type { z } from 'zod';
import type { auditEventOut } from '../../audit/present';
import type { customerOut, timelineEventOut } from '../../customers/schemas';
import type { invitationOut } from '../../invitations/schemas';
import type { offerOut } from '../../offers/schemas';
import type { partnerOut } from '../../partners/schemas';
import type { userOut } from '../../users/schemas';
import { html, type Html } from '../html';
import { layout } from '../layout';
import { funnelChart, funnelTable, type Funnel } from './funnel-chart';

export type Customer = z.infer<typeof customerOut>;
export type TimelineEvent = z.infer<typeof timelineEventOut>;
export type Invitation = z.infer<typeof invitationOut>;
export type Offer = z.infer<typeof offerOut>;
export type AuditEvent = z.infer<typeof auditEventOut>;
export interface Page<T> {
  items: T[];
  nextCursor?: string;
}
export interface Me {
  user: z.infer<typeof userOut>;
  partner: z.infer<typeof partnerOut>;
  permissions: string[];
}

export type Section = 'funnel' | 'customers' | 'invitations' | 'offers' | 'activity';

/** What every signed-in page has around it: who is signed in, the sections, sign out. */
export interface Frame {
  me: Me;
  csrf: string;
  section?: Section;
  /** Builds a Temporal UI link to a workflow. */
  temporalUrl: (workflowId: string) => string;
}

const SECTIONS: Array<{ id: Section; href: string; label: string; permission?: string }> = [
  { id: 'funnel', href: '/dashboard', label: 'Funnel' },
  { id: 'customers', href: '/dashboard/customers', label: 'Customers' },
  { id: 'invitations', href: '/dashboard/invitations', label: 'Invitations' },
  { id: 'offers', href: '/dashboard/offers', label: 'Offers' },
  { id: 'activity', href: '/dashboard/activity', label: 'Activity', permission: 'audit:read' },
];

function header(frame: Frame): Html {
  const sections = SECTIONS.filter((s) => !s.permission || frame.me.permissions.includes(s.permission));
  return html`<a class="skip-link" href="#main">Skip to the content</a>
    <div class="dash-bar">
      <a class="brand" href="/dashboard">offerflow <span class="sub">partner dashboard</span></a>
      <div class="who">
        <span class="user">${frame.me.user.displayName}</span> <span class="partner">${frame.me.partner.profile.name}</span>
        <form method="post" action="/dashboard/sign-out" class="sign-out">
          <input type="hidden" name="csrf" value="${frame.csrf}" /><button type="submit">Sign out</button>
        </form>
      </div>
    </div>
    <nav class="dash-nav" aria-label="Dashboard">
      <ul>
        ${sections.map((s) => html`<li><a href="${s.href}" ${s.id === frame.section ? html` aria-current="page"` : ''}>${s.label}</a></li>`)}
      </ul>
    </nav>`;
}

/** A signed-in page. */
export const dashboardPage = (frame: Frame, title: string, body: Html): string =>
  layout({ title, header: header(frame), body: html`<div class="dash">${body}</div>`, stylesheets: ['dashboard.css'] });

export const message = (text: string | undefined, kind: 'error' | 'info' = 'error'): Html =>
  text ? html`<p class="message ${kind}" role="${kind === 'error' ? 'alert' : 'status'}">${text}</p>` : html``;

/** The sign-in form: paste an API token. */
export function signInPage(csrf: string, note?: { text: string; kind: 'error' | 'info' }): string {
  return layout({
    title: 'Sign in',
    stylesheets: ['dashboard.css'],
    body: html`<div class="dash sign-in">
      <h1>Partner dashboard</h1>
      ${message(note?.text, note?.kind)}
      <p>
        Sign in with your own API token (it starts with <code>ofp.</code>). A global admin or user-management admin of your company issues one for you; it is
        shown once when issued.
      </p>
      <form method="post" action="/dashboard/sign-in" class="stack">
        <input type="hidden" name="csrf" value="${csrf}" />
        <label for="token">API token</label>
        <input id="token" name="token" type="password" autocomplete="off" spellcheck="false" required maxlength="512" />
        <button type="submit">Sign in</button>
      </form>
      <p class="hint">
        The dashboard keeps your token in a cookie only this site can read, for 8 hours or until you sign out. Revoking the token ends the session at once.
      </p>
    </div>`,
  });
}

const when = (iso: string | undefined): Html => (iso ? html`<time datetime="${iso}">${iso.slice(0, 16).replace('T', ' ')} UTC</time>` : html`—`);

/** A link to a workflow in the Temporal UI; its accessible name says where it goes. */
export const flowLink = (frame: Frame, workflowId: string): Html =>
  html`<a class="flow" href="${frame.temporalUrl(workflowId)}" aria-label="${`Open workflow ${workflowId} in the Temporal UI`}"><code>${workflowId}</code></a>`;

const pager = (base: string, params: Record<string, string | undefined>, nextCursor: string | undefined, isFirst: boolean): Html => {
  const q = (extra: Record<string, string | undefined>) => {
    const s = new URLSearchParams();
    for (const [k, v] of Object.entries({ ...params, ...extra })) if (v) s.set(k, v);
    const text = s.toString();
    return text ? `${base}?${text}` : base;
  };
  if (!nextCursor && isFirst) return html``;
  return html`<nav class="pager" aria-label="Pages">
    ${isFirst ? '' : html`<a href="${q({})}">First page</a>`} ${nextCursor ? html`<a href="${q({ cursor: nextCursor })}" rel="next">Next page</a>` : ''}
  </nav>`;
};

/** A table that scrolls sideways on a narrow screen (focusable, so a keyboard can scroll it). */
const scroller = (label: string, table: Html): Html => html`<div class="table-wrap" role="region" aria-label="${label}" tabindex="0">${table}</div>`;

// ---- Funnel

export function funnelView(frame: Frame, period: { from: string; to: string }, funnel: Funnel | undefined, error?: string): string {
  return dashboardPage(
    { ...frame, section: 'funnel' },
    'Funnel',
    html`<h1>Conversion funnel</h1>
      <form method="get" action="/dashboard" class="filters" aria-label="Period">
        <div class="field"><label for="from">From</label><input id="from" name="from" type="date" value="${period.from}" required /></div>
        <div class="field"><label for="to">To</label><input id="to" name="to" type="date" value="${period.to}" required /></div>
        <div class="field actions"><button type="submit">Show</button></div>
      </form>
      ${message(error)}
      ${
        funnel
          ? html`<p class="lede">
                Customers who reached each step between <strong>${funnel.from}</strong> and <strong>${funnel.to}</strong>, and the share of the step before.
              </p>
              <div class="funnel-grid">
                <figure class="funnel">${funnelChart(funnel)}</figure>
                ${scroller('Funnel numbers', funnelTable(funnel))}
              </div>`
          : ''
      }`,
  );
}

// ---- Customers

export const CUSTOMER_STATUS_NAMES: Record<string, string> = { trial: 'Trial', active: 'Active', suspended: 'Suspended', removed: 'Removed' };

export function customersView(
  frame: Frame,
  filters: { q?: string; status?: string; cursor?: string },
  found: Page<Customer> | undefined,
  error?: string,
): string {
  return dashboardPage(
    { ...frame, section: 'customers' },
    'Customers',
    html`<h1>Customers</h1>
      <form method="get" action="/dashboard/customers" class="filters" role="search" aria-label="Find customers">
        <div class="field grow">
          <label for="q">Name or domain</label><input id="q" name="q" type="search" value="${filters.q ?? ''}" maxlength="100" autocomplete="off" />
        </div>
        <div class="field">
          <label for="status">Status</label
          ><select id="status" name="status">
            <option value="">Any</option>
            ${Object.entries(CUSTOMER_STATUS_NAMES).map(([v, name]) => html`<option value="${v}" ${filters.status === v ? html` selected` : ''}>${name}</option>`)}
          </select>
        </div>
        <div class="field actions"><button type="submit">Search</button></div>
      </form>
      ${message(error)}
      ${
        found
          ? found.items.length === 0
            ? html`<p class="empty">${filters.q || filters.status ? 'No customer matches.' : 'No customers yet.'}</p>`
            : scroller(
                'Customers',
                cardTable('customers', found.items, [
                  { head: 'Name', rowHeader: true, cell: (c) => html`<a href="/dashboard/customers/${encodeURIComponent(c.id)}">${c.name}</a>` },
                  { head: 'Domain', className: 'domain', cell: (c) => c.domain },
                  { head: 'Status', cell: (c) => CUSTOMER_STATUS_NAMES[c.status] ?? c.status },
                  { head: 'Stage', cell: (c) => html`<span class="stage">${c.stage}</span>` },
                ]),
              )
          : ''
      }
      ${found ? pager('/dashboard/customers', { q: filters.q, status: filters.status }, found.nextCursor, !filters.cursor) : ''}`,
  );
}

export function customerView(frame: Frame, customer: Customer, timeline: TimelineEvent[]): string {
  const flows = [...new Set(timeline.map((t) => t.workflowId))];
  return dashboardPage(
    { ...frame, section: 'customers' },
    customer.name,
    html`<p class="crumbs"><a href="/dashboard/customers">Customers</a></p>
      <h1>${customer.name}</h1>
      <dl class="facts">
        <div>
          <dt>Domain</dt>
          <dd>${customer.domain}</dd>
        </div>
        <div>
          <dt>Status</dt>
          <dd>${CUSTOMER_STATUS_NAMES[customer.status] ?? customer.status}</dd>
        </div>
        <div>
          <dt>Stage</dt>
          <dd><span class="stage">${customer.stage}</span></dd>
        </div>
        <div>
          <dt>Subscriptions</dt>
          <dd>${customer.skus.length ? customer.skus.join(', ') : 'none'}</dd>
        </div>
        <div>
          <dt>Cloud</dt>
          <dd>${customer.cloud}</dd>
        </div>
        <div>
          <dt>Customer since</dt>
          <dd>${when(customer.createdAt)}</dd>
        </div>
        <div>
          <dt>Customer id</dt>
          <dd><code>${customer.id}</code></dd>
        </div>
      </dl>
      <h2>Timeline</h2>
      ${
        timeline.length === 0
          ? html`<p class="empty">Nothing has happened yet.</p>`
          : html`<ol class="timeline">
              ${timeline.map(
                (t) =>
                  html`<li>
                    <div class="what"><span class="stage">${t.stage}</span> ${when(t.at)}</div>
                    <div class="by">by ${t.by}${t.detail ? html` — ${t.detail}` : ''}</div>
                    <div class="wf">Workflow: ${flowLink(frame, t.workflowId)}</div>
                  </li>`,
              )}
            </ol>`
      }
      <h2>Flows in the Temporal UI</h2>
      ${
        flows.length === 0
          ? html`<p class="empty">No flows yet.</p>`
          : html`<ul class="flows">
              ${flows.map((id) => html`<li>${flowLink(frame, id)}</li>`)}
            </ul>`
      }`,
  );
}

interface Column<T> {
  head: string;
  cell: (item: T) => Html | string;
  className?: string;
  /** The row's name (a header cell), shown as the card's title on a narrow screen. */
  rowHeader?: boolean;
}

/** A list as a table whose rows become cards on a narrow screen, each value named by its column (dashboard.css). */
function cardTable<T>(cls: string, items: readonly T[], columns: Array<Column<T>>): Html {
  return html`<table class="${cls} cards">
    <thead>
      <tr>
        ${columns.map((c) => html`<th scope="col">${c.head}</th>`)}
      </tr>
    </thead>
    <tbody>
      ${items.map(
        (item) =>
          html`<tr>
            ${columns.map((c) =>
              c.rowHeader
                ? html`<th scope="row">${c.cell(item)}</th>`
                : html`<td${c.className ? html` class="${c.className}"` : ''} data-label="${c.head}">${c.cell(item)}</td>`,
            )}
          </tr>`,
      )}
    </tbody>
  </table>`;
}

// ---- Invitations and offers

export function invitationsView(frame: Frame, found: Page<Invitation>, isFirst: boolean): string {
  return dashboardPage(
    { ...frame, section: 'invitations' },
    'Invitations',
    html`<h1>Trial invitations</h1>
      ${
        found.items.length === 0
          ? html`<p class="empty">No invitations yet.</p>`
          : scroller(
              'Invitations',
              cardTable('invitations', found.items, [
                { head: 'Created', cell: (i) => when(i.createdAt) },
                { head: 'Product', cell: (i) => i.sku },
                { head: 'Status', cell: (i) => i.status },
                { head: 'Expires', cell: (i) => when(i.expiresAt) },
                { head: 'Declines', className: 'num', cell: (i) => String(i.declines) },
                { head: 'Workflow', cell: (i) => flowLink(frame, i.workflowId) },
              ]),
            )
      }
      ${pager('/dashboard/invitations', {}, found.nextCursor, isFirst)}`,
  );
}

const offerSummary = (o: Offer): Html =>
  html`${o.items.map((it) => `${it.licenses} × ${it.sku}`).join(', ')} · sent ${when(o.createdAt)} · expires
  ${when(o.expiresAt)}${o.revokedAt ? html` · revoked ${when(o.revokedAt)}` : ''}`;

export function offersView(frame: Frame, found: Page<Offer>, isFirst: boolean): string {
  return dashboardPage(
    { ...frame, section: 'offers' },
    'Offers',
    html`<h1>Purchase offers</h1>
      ${
        found.items.length === 0
          ? html`<p class="empty">No offers yet.</p>`
          : html`<ul class="offers">
              ${found.items.map(
                (o) =>
                  html`<li class="offer">
                    <h2>
                      <a href="/dashboard/offers/${encodeURIComponent(o.id)}">Offer <code>${o.id}</code></a>
                    </h2>
                    <p>${offerSummary(o)}</p>
                  </li>`,
              )}
            </ul>`
      }
      ${pager('/dashboard/offers', {}, found.nextCursor, isFirst)}`,
  );
}

/** One offer: where each customer stands with it, and each one's workflow. */
export function offerView(frame: Frame, o: Offer): string {
  const recipients = o.recipients ?? [];
  return dashboardPage(
    { ...frame, section: 'offers' },
    `Offer ${o.id}`,
    html`<p class="crumbs"><a href="/dashboard/offers">Offers</a></p>
      <h1>Offer <code>${o.id}</code></h1>
      <p>${offerSummary(o)}</p>
      <h2>Customers</h2>
      ${
        recipients.length === 0
          ? html`<p class="empty">No customers.</p>`
          : scroller(
              'Customers of the offer',
              cardTable('recipients', recipients, [
                {
                  head: 'Customer',
                  cell: (r) => html`<a href="/dashboard/customers/${encodeURIComponent(r.customerId)}"><code>${r.customerId}</code></a>`,
                },
                { head: 'Status', cell: (r) => html`${r.status}${r.endedAt ? html` ${when(r.endedAt)}` : ''}` },
                { head: 'Workflow', cell: (r) => flowLink(frame, r.workflowId) },
              ]),
            )
      }`,
  );
}

// ---- Activity (the audit log: global admins)

export function activityView(frame: Frame, found: Page<AuditEvent>, isFirst: boolean): string {
  return dashboardPage(
    { ...frame, section: 'activity' },
    'Activity',
    html`<h1>Activity</h1>
      ${
        found.items.length === 0
          ? html`<p class="empty">Nothing recorded yet.</p>`
          : scroller(
              'Activity',
              cardTable('activity', found.items, [
                { head: 'When', cell: (e) => when(e.at) },
                { head: 'Who', cell: (e) => html`${e.actor.kind} <code>${e.actor.id}</code>` },
                { head: 'What', cell: (e) => e.action },
                { head: 'On', cell: (e) => html`${e.target.kind} <code>${e.target.id}</code>` },
              ]),
            )
      }
      ${pager('/dashboard/activity', {}, found.nextCursor, isFirst)}`,
  );
}

/** A refusal or failure of an API call, inside the dashboard's frame. */
export const problemView = (frame: Frame, status: number, detail: string): string =>
  dashboardPage(
    frame,
    status === 403 ? 'Not allowed' : status === 404 ? 'Not found' : 'This did not work',
    html`<h1>${status === 403 ? 'You may not see this' : status === 404 ? 'Not found' : 'This did not work'}</h1>
      ${message(detail)}
      <p><a href="/dashboard">Back to the dashboard</a></p>`,
  );
