import { addUser, bearer, createPartner, type TestPartner } from '../support/partners';
import { eventually, startTestStack, type TestStack } from '../support/stack';
import { acceptInvitation, invite, newCustomer, sendOffer } from '../support/flows';
import { secureCookies } from '../../src/pages/session';

/**
 * The partner dashboard over HTTP, as a browser without script would use it: a
 * cookie jar, forms posted as application/x-www-form-urlencoded, redirects not
 * followed (each is asserted).
 */
class PageClient {
  readonly cookies = new Map<string, string>();
  constructor(readonly baseUrl: string) {}

  async request(method: 'GET' | 'POST', path: string, form?: Record<string, string>) {
    const headers: Record<string, string> = {};
    if (this.cookies.size) headers.cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    if (form) headers['content-type'] = 'application/x-www-form-urlencoded';
    const res = await fetch(`${this.baseUrl}${path}`, { method, headers, body: form ? new URLSearchParams(form).toString() : undefined, redirect: 'manual' });
    const setCookies = res.headers.getSetCookie();
    for (const c of setCookies) {
      const [pair] = c.split(';');
      const eq = pair!.indexOf('=');
      const name = pair!.slice(0, eq);
      const value = pair!.slice(eq + 1);
      if (/Max-Age=0/i.test(c) || value === '') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    return { status: res.status, headers: res.headers, setCookies, text: await res.text() };
  }
  get = (path: string) => this.request('GET', path);
  post = (path: string, form: Record<string, string>) => this.request('POST', path, form);

  /** The CSRF token of the page's forms. */
  static csrfOf(page: string): string {
    const m = /name="csrf" value="([^"]+)"/.exec(page);
    if (!m) throw new Error('no CSRF token on the page');
    return m[1]!;
  }

  async signIn(token: string) {
    const form = await this.get('/dashboard');
    return this.post('/dashboard/sign-in', { csrf: PageClient.csrfOf(form.text), token });
  }
}

let stack: TestStack;
let p: TestPartner;
let other: TestPartner;
beforeAll(async () => {
  stack = await startTestStack();
  [p, other] = await Promise.all([createPartner(stack), createPartner(stack)]);
});
afterAll(async () => {
  await stack?.stop();
});

const temporalLink = (workflowId: string) => `http://temporal-ui.test/namespaces/default/workflows/${encodeURIComponent(workflowId)}`;

describe('signing in and out', () => {
  it('shows the sign-in form with a label, a CSRF token, the page CSP and no-store', async () => {
    const c = new PageClient(stack.baseUrl);
    const res = await c.get('/dashboard');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.headers.get('content-security-policy')).toMatch(/script-src 'self'/);
    expect(res.text).toMatch(/<label for="token">API token<\/label>/);
    expect(res.text).toMatch(/<input id="token" name="token" type="password"/);
    expect(c.cookies.has('offerflow_csrf')).toBe(true);
    expect(c.cookies.has('offerflow_partner')).toBe(false);
  });

  it('refuses a sign-in without a valid CSRF token (403), and sets no session', async () => {
    const c = new PageClient(stack.baseUrl);
    await c.get('/dashboard');
    const none = await c.post('/dashboard/sign-in', { token: p.admin.token });
    expect(none.status).toBe(403);
    expect(none.text).toContain('This form had expired');
    const forged = await c.post('/dashboard/sign-in', { token: p.admin.token, csrf: 'x'.repeat(43) });
    expect(forged.status).toBe(403);
    // a token made for another browser's seed does not do either
    const elsewhere = new PageClient(stack.baseUrl);
    const foreignCsrf = PageClient.csrfOf((await elsewhere.get('/dashboard')).text);
    expect((await c.post('/dashboard/sign-in', { token: p.admin.token, csrf: foreignCsrf })).status).toBe(403);
    expect(c.cookies.has('offerflow_partner')).toBe(false);
  });

  it('refuses a wrong token with a clear message', async () => {
    const c = new PageClient(stack.baseUrl);
    for (const token of ['ofp.not-a-token', `${p.admin.token.slice(0, -2)}xx`, '']) {
      const res = await c.signIn(token);
      expect(res.status).toBe(401);
      expect(res.text).toContain('That token did not work');
      expect(res.text).toMatch(/role="alert"/);
      expect(c.cookies.has('offerflow_partner')).toBe(false);
    }
  });

  it('signs in with a good token: an HttpOnly SameSite=Lax cookie (not Secure over http), then the dashboard', async () => {
    const c = new PageClient(stack.baseUrl);
    const res = await c.signIn(p.admin.token);
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/dashboard');
    const cookie = res.setCookies.find((s) => s.startsWith('offerflow_partner='))!;
    expect(cookie).toMatch(/; HttpOnly/);
    expect(cookie).toMatch(/; SameSite=Lax/);
    expect(cookie).toMatch(/; Path=\//);
    expect(cookie).not.toMatch(/Secure/);
    const home = await c.get('/dashboard');
    expect(home.status).toBe(200);
    expect(home.text).toContain('<h1>Conversion funnel</h1>');
    expect(home.text).toContain('First Admin');
    // cookies are Secure when the service is served over https
    expect(secureCookies('https://offers.example.com')).toBe(true);
    expect(secureCookies('http://127.0.0.1:3000')).toBe(false);
  });

  it('a revoked token stops working at once: the next page is the sign-in form and the cookie is cleared', async () => {
    const u = await addUser(stack, p, { customerRole: 'limited' });
    const c = new PageClient(stack.baseUrl);
    expect((await c.signIn(u.token)).status).toBe(303);
    expect((await c.get('/dashboard/customers')).status).toBe(200);
    const tokens = await stack.http('GET', `/v1/users/${u.id}/tokens`, undefined, bearer(u.token));
    expect((await stack.http('DELETE', `/v1/users/${u.id}/tokens/${tokens.body[0].id}`, undefined, bearer(p.admin.token))).status).toBe(204);
    const after = await c.get('/dashboard/customers');
    expect(after.status).toBe(401);
    expect(after.text).toContain('Your session has ended');
    expect(after.text).not.toContain('<h1>Customers</h1>');
    expect(after.setCookies.some((s) => /^offerflow_partner=;.*Max-Age=0/.test(s))).toBe(true);
    expect(c.cookies.has('offerflow_partner')).toBe(false);
    // and it cannot sign in again
    expect((await c.signIn(u.token)).status).toBe(401);
  });

  it('a deactivated user is signed out at once too', async () => {
    const u = await addUser(stack, p);
    const c = new PageClient(stack.baseUrl);
    expect((await c.signIn(u.token)).status).toBe(303);
    expect((await stack.http('POST', `/v1/users/${u.id}/deactivate`, undefined, bearer(p.admin.token))).status).toBe(200);
    expect((await c.get('/dashboard')).status).toBe(401);
  });

  it('signs out only with the CSRF token (POST), and the cookie is gone', async () => {
    const c = new PageClient(stack.baseUrl);
    await c.signIn(p.admin.token);
    const home = await c.get('/dashboard');
    expect(home.text).toMatch(/<form method="post" action="\/dashboard\/sign-out"/);
    expect((await c.post('/dashboard/sign-out', {})).status).toBe(403);
    expect((await c.get('/dashboard')).text).toContain('Conversion funnel'); // still signed in
    const out = await c.post('/dashboard/sign-out', { csrf: PageClient.csrfOf(home.text) });
    expect(out.status).toBe(303);
    expect(out.headers.get('location')).toBe('/dashboard?signed-out=1');
    expect(out.setCookies.find((s) => s.startsWith('offerflow_partner='))).toMatch(/^offerflow_partner=; Path=\/; HttpOnly; SameSite=Lax; Max-Age=0$/);
    const after = await c.get(out.headers.get('location')!);
    expect(after.status).toBe(200);
    expect(after.text).toContain('You are signed out.');
    expect(after.text).not.toContain('Conversion funnel');
    // GET does not sign out (no state change on a link)
    expect((await c.get('/dashboard/sign-out')).status).toBe(404);
  });

  it('without a session, every dashboard page is the sign-in form (401), nothing else', async () => {
    const c = new PageClient(stack.baseUrl);
    for (const path of ['/dashboard/customers', '/dashboard/invitations', '/dashboard/offers', '/dashboard/activity', '/dashboard/customers/cus_x']) {
      const res = await c.get(path);
      expect({ path, status: res.status }).toEqual({ path, status: 401 });
      expect(res.text).toContain('name="token"');
    }
  });
});

describe('what a signed-in partner user sees', () => {
  let admin: PageClient;
  let customerId: string;
  let onboardingWorkflowId: string;
  let invitationWorkflowId: string;
  let offerId: string;
  const evil = '<script>alert(1)</script>';
  beforeAll(async () => {
    admin = new PageClient(stack.baseUrl);
    await admin.signIn(p.admin.token);
    const inv = await invite(stack, p);
    invitationWorkflowId = inv.workflowId;
    const c = await acceptInvitation(stack, inv.code, { customer: { ...newCustomer(), name: `${evil} Fabrikam` } });
    customerId = c.id;
    onboardingWorkflowId = c.onboardingWorkflowId;
    offerId = (await sendOffer(stack, p, [customerId])).id;
    // the partner's customer list is a read model that follows within moments
    await eventually(
      async () => (await stack.http('GET', '/v1/customers', undefined, bearer(p.admin.token))).body.items.length > 0,
      20_000,
      'the customer listed',
    );
  });

  it('the funnel: a period form (labelled dates, default the last 30 days), an SVG chart with title and description, and a table of the numbers', async () => {
    const res = await admin.get('/dashboard');
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.headers.get('content-security-policy')).toMatch(/default-src 'none'.*style-src 'self'/);
    const today = new Date().toISOString().slice(0, 10);
    const from = new Date(Date.now() - 29 * 24 * 3600 * 1000).toISOString().slice(0, 10);
    expect(res.text).toContain(`<input id="to" name="to" type="date" value="${today}"`);
    expect(res.text).toContain(`<input id="from" name="from" type="date" value="${from}"`);
    expect(res.text).toMatch(/<label for="from">From<\/label>/);
    expect(res.text).toMatch(/<svg\s+class="funnel-chart"[^>]*\srole="img"\s+aria-labelledby="funnel-chart-title funnel-chart-desc"/);
    expect(res.text).toMatch(/<title id="funnel-chart-title">Conversion funnel from \d{4}-\d\d-\d\d to \d{4}-\d\d-\d\d<\/title>/);
    for (const step of ['invited', 'trial', 'offer-sent', 'purchased', 'delegated-admin-active']) expect(res.text).toContain(`<tr data-step="${step}">`);
    const chosen = await admin.get('/dashboard?from=2026-01-01&to=2026-01-31');
    expect(chosen.text).toContain('<title id="funnel-chart-title">Conversion funnel from 2026-01-01 to 2026-01-31</title>');
    expect(chosen.text).toContain('value="2026-01-01"');
  });

  it('customers: the list with name, domain and stage, escaped; a customer named like a script shows as text', async () => {
    const res = await admin.get('/dashboard/customers');
    expect(res.status).toBe(200);
    expect(res.text).toContain('&lt;script&gt;alert(1)&lt;/script&gt; Fabrikam');
    expect(res.text).not.toContain(evil);
    expect(res.text).toContain(`href="/dashboard/customers/${customerId}"`);
    expect(res.text).toMatch(/<label for="q">Name or domain<\/label>/);
    expect(res.text).toMatch(/<label for="status">Status<\/label\s*>/);
  });

  it('customers: search by any part of the name, by status; a query the API refuses is said beside the form', async () => {
    const found = await admin.get(`/dashboard/customers?q=${encodeURIComponent('fabrik')}`);
    expect(found.text).toContain(`/dashboard/customers/${customerId}`);
    const none = await admin.get('/dashboard/customers?q=nothing-like-this');
    expect(none.text).toContain('No customer matches.');
    const suspended = await admin.get('/dashboard/customers?status=suspended');
    expect(suspended.text).not.toContain(`/dashboard/customers/${customerId}`);
    const trial = await admin.get('/dashboard/customers?status=trial');
    expect(trial.text).toContain(`/dashboard/customers/${customerId}`);
    expect(trial.text).toMatch(/<option value="trial"\s+selected>/);
    const tooShort = await admin.get('/dashboard/customers?q=f');
    expect(tooShort.text).toMatch(/<p class="message error" role="alert">query field &#39;q&#39;: must be at least 2 characters<\/p>/);
    // the echoed search text is escaped as well
    const echoed = await admin.get(`/dashboard/customers?q=${encodeURIComponent('"><script>x</script>')}`);
    expect(echoed.text).not.toContain('<script>x');
    expect(echoed.text).toContain('value="&quot;&gt;&lt;script&gt;x&lt;/script&gt;"');
  });

  it("a customer's page: its facts, its timeline, and every flow linked in the Temporal UI at TEMPORAL_UI_URL", async () => {
    const res = await admin.get(`/dashboard/customers/${customerId}`);
    expect(res.status).toBe(200);
    expect(res.text).toContain('<h1>&lt;script&gt;alert(1)&lt;/script&gt; Fabrikam</h1>');
    expect(res.text).not.toContain(evil);
    expect(res.text).toContain('<ol class="timeline">');
    expect(res.text).toContain('trial-active');
    expect(res.text).toContain(`href="${temporalLink(onboardingWorkflowId)}"`);
    const api = await stack.http('GET', `/v1/customers/${customerId}/timeline`, undefined, bearer(p.admin.token));
    for (const t of api.body as Array<{ workflowId: string }>) expect(res.text).toContain(`href="${temporalLink(t.workflowId)}"`);
    expect(res.text).toContain(`aria-label="Open workflow ${onboardingWorkflowId} in the Temporal UI"`);
  });

  it('invitations and offers, each with its workflow in the Temporal UI', async () => {
    const invitations = await admin.get('/dashboard/invitations');
    expect(invitations.status).toBe(200);
    expect(invitations.text).toContain(`href="${temporalLink(invitationWorkflowId)}"`);
    const offers = await admin.get('/dashboard/offers');
    expect(offers.status).toBe(200);
    expect(offers.text).toContain(`href="/dashboard/offers/${offerId}"`);
    const offer = await admin.get(`/dashboard/offers/${offerId}`);
    expect(offer.status).toBe(200);
    const api = await stack.http('GET', `/v1/offers/${offerId}`, undefined, bearer(p.admin.token));
    const wf = api.body.recipients[0].workflowId as string;
    expect(offer.text).toContain(`href="${temporalLink(wf)}"`);
    expect(offer.text).toContain(`href="/dashboard/customers/${customerId}"`);
  });

  it("another partner's customer is not found, as in the API (404), inside the dashboard", async () => {
    const c = new PageClient(stack.baseUrl);
    await c.signIn(other.admin.token);
    const res = await c.get(`/dashboard/customers/${customerId}`);
    const api = await stack.http('GET', `/v1/customers/${customerId}`, undefined, bearer(other.admin.token));
    expect(api.status).toBe(404);
    expect(res.status).toBe(404);
    expect(res.text).toContain(api.body.detail.replace(/'/g, '&#39;'));
    expect(res.text).not.toContain('Fabrikam');
    // a malformed id is the API's 400
    expect((await c.get('/dashboard/customers/not%20an%20id')).status).toBe(400);
  });

  it("the policy is the API's: a user whose role may not read the audit log gets 403 with the API's reason, and no link to it", async () => {
    const limited = await addUser(stack, p, { customerRole: 'limited' });
    const c = new PageClient(stack.baseUrl);
    await c.signIn(limited.token);
    const api = await stack.http('GET', '/v1/audit-events', undefined, bearer(limited.token));
    expect(api.status).toBe(403);
    const page = await c.get('/dashboard/activity');
    expect(page.status).toBe(403);
    expect(page.text).toContain(api.body.detail);
    expect(page.text).toContain('You may not see this');
    expect((await c.get('/dashboard')).text).not.toContain('href="/dashboard/activity"');
    // the global admin may
    const allowed = await admin.get('/dashboard/activity');
    expect(allowed.status).toBe(200);
    expect(allowed.text).toMatch(/href="\/dashboard\/activity"\s+aria-current="page"/);
    expect(allowed.text).toContain('invitation.created');
  });
});

describe('wrong tokens are rate-limited per address, as on the API', () => {
  let limited: TestStack;
  beforeAll(async () => {
    limited = await startTestStack({ worker: false, authFailureLimit: { perMinute: 1, burst: 2 } });
  });
  afterAll(async () => {
    await limited?.stop();
  });

  it('after the budget of failures, a sign-in is 429 before any lookup', async () => {
    const c = new PageClient(limited.baseUrl);
    expect((await c.signIn('ofp.wrong-1')).status).toBe(401);
    expect((await c.signIn('ofp.wrong-2')).status).toBe(401);
    const refused = await c.signIn('ofp.wrong-3');
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toMatch(/^\d+$/);
  });
});
