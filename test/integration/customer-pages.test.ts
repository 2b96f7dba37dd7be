import { bearer, createPartner, type TestPartner } from '../support/partners';
import { eventually, startTestStack, type TestStack } from '../support/stack';
import * as flows from '../support/flows';

/** The customer pages over HTTP: what a browser without JavaScript gets. */
let stack: TestStack;
let p: TestPartner;
let hostile: TestPartner;
const HOSTILE = '<script>alert(1)</script>';
beforeAll(async () => {
  stack = await startTestStack();
  [p, hostile] = await Promise.all([createPartner(stack), createPartner(stack, { name: `${HOSTILE} Partners` })]);
});
afterAll(async () => {
  await stack?.stop();
});

interface PageAnswer {
  status: number;
  headers: Headers;
  text: string;
}

/** A browser without JavaScript: it keeps cookies, follows nothing by itself, posts forms. */
class Visitor {
  readonly cookies = new Map<string, string>();

  get(path: string): Promise<PageAnswer> {
    return this.request('GET', path);
  }

  post(path: string, form: Record<string, string>): Promise<PageAnswer> {
    return this.request('POST', path, new URLSearchParams(form).toString());
  }

  /** Sends the form of `page` whose submit button says `action`, with `fields` filled in. */
  submit(path: string, page: string, action: string, fields: Record<string, string> = {}, which = 0): Promise<PageAnswer> {
    return this.post(path, { ...formFields(page, action, which), ...fields, action });
  }

  private async request(method: string, path: string, body?: string): Promise<PageAnswer> {
    const headers: Record<string, string> = { cookie: [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ') };
    if (body !== undefined) headers['content-type'] = 'application/x-www-form-urlencoded';
    const res = await fetch(`${stack.baseUrl}${path}`, { method, headers, body, redirect: 'manual' });
    for (const cookie of res.headers.getSetCookie()) {
      const pair = cookie.split(';')[0]!;
      const name = pair.slice(0, pair.indexOf('='));
      if (/Max-Age=0(;|$)/i.test(cookie)) this.cookies.delete(name);
      else this.cookies.set(name, pair.slice(pair.indexOf('=') + 1));
    }
    return { status: res.status, headers: res.headers, text: await res.text() };
  }
}

/** The hidden fields of the `which`-th form of a page that has a submit button with `value="<action>"`. */
function formFields(page: string, action: string, which = 0): Record<string, string> {
  const forms = [...page.matchAll(/<form\b[\s\S]*?<\/form>/g)].map((m) => m[0]).filter((f) => f.includes(`value="${action}"`));
  const form = forms[which];
  if (!form) throw new Error(`no form with ${action} on the page:\n${page.slice(0, 3000)}`);
  const fields: Record<string, string> = {};
  for (const [input] of form.matchAll(/<input\b[^>]*>/g)) {
    const attr = (name: string) => new RegExp(`\\s${name}="([^"]*)"`).exec(input)?.[1];
    if (attr('type') === 'hidden') fields[attr('name')!] = attr('value')!;
  }
  return fields;
}

const pathOf = (url: string) => new URL(url).pathname;
const csp = (a: PageAnswer) => a.headers.get('content-security-policy') ?? '';
const newCompany = (name?: string) => {
  const c = flows.newCustomer(name);
  return { companyName: c.name, domain: c.domain, contactName: c.contact.name, contactEmail: c.contact.email };
};
const tokenIn = (page: string) => /<textarea id="customer-token"[^>]*>(ofc\.[^<]+)<\/textarea>/.exec(page)?.[1];

describe('customer pages', () => {
  it('an invitation page: the partner and the trial as text (a hostile name escaped), labelled controls, and the page headers', async () => {
    const inv = await flows.invite(stack, hostile, { sku: 'BUS-STD' });
    const page = await new Visitor().get(pathOf(inv.body.url));
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    // the hostile partner's name shows as text, never as markup
    expect(page.text).not.toContain(HOSTILE);
    expect(page.text).toContain('&lt;script&gt;alert(1)&lt;/script&gt; Partners');
    expect(page.text).not.toMatch(/<script>(?!<\/script>)/);
    expect(page.text).toMatch(/<script src="\/assets\/pages.js" defer><\/script>/);
    expect(page.text).not.toMatch(/ style=| on[a-z]+=/i);
    // the partner's profile and the trial
    expect(page.text).toContain('+1 425 555 0100');
    expect(page.text).toContain('https://contoso-partners.example');
    expect(page.text).toMatch(/mailto:hello-[0-9a-f]+@contoso-partners\.example/);
    expect(page.text).toMatch(/30 days, free of charge/);
    expect(page.text).toMatch(/if you start it today/);
    // every control has its label
    const ids = [...page.text.matchAll(/<input\b(?![^>]*type="hidden")[^>]*\bid="([^"]+)"/g)].map((m) => m[1]!);
    expect(ids.length).toBeGreaterThanOrEqual(5);
    for (const id of ids) expect({ id, labelled: page.text.includes(`<label for="${id}"`) }).toEqual({ id, labelled: true });
    // headers: nothing inline may run, nobody may frame it, nothing is kept
    expect(csp(page)).toMatch(/script-src 'self'/);
    expect(csp(page)).toMatch(/style-src 'self'/);
    expect(csp(page)).toMatch(/frame-ancestors 'none'/);
    expect(csp(page)).toMatch(/form-action 'self'/);
    expect(csp(page)).not.toMatch(/unsafe-inline|unsafe-eval/);
    expect(page.headers.get('x-frame-options')).toBe('DENY');
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');
    expect(page.headers.get('cache-control')).toBe('no-store');
    expect(page.headers.getSetCookie().join('\n')).toMatch(/offerflow_csrf=[^;]+; Path=\/; HttpOnly; SameSite=Lax/);
  });

  it('unknown, malformed, revoked and expired links get a clear page with the right status', async () => {
    const v = new Visitor();
    for (const path of [`/i/${'x'.repeat(32)}`, `/o/${'A'.repeat(32)}`, `/d/${'_'.repeat(32)}`, '/i/too-short']) {
      const page = await v.get(path);
      expect({ path, status: page.status, type: page.headers.get('content-type') }).toEqual({ path, status: 404, type: expect.stringMatching(/^text\/html/) });
      expect(page.text).toContain('This link is unknown');
      expect(page.text).not.toMatch(/"type":|at .*\.ts:\d+/);
    }

    const revoked = await flows.invite(stack, p);
    expect((await stack.http('POST', `/v1/invitations/${revoked.id}/revoke`, undefined, bearer(p.admin.token))).status).toBe(200);
    const r = await v.get(`/i/${revoked.code}`);
    expect(r.status).toBe(410);
    expect(r.text).toContain('This invitation was withdrawn');
    expect(r.text).toMatch(/Questions\? Contact Contoso Partners [0-9a-f]+: <a href="mailto:hello-/);

    const expired = await flows.invite(stack, p, { expiresInSeconds: 1 });
    await stack.client.workflow.getHandle(expired.workflowId).result();
    const e = await v.get(`/i/${expired.code}`);
    expect(e.status).toBe(410);
    expect(e.text).toContain('This invitation has expired');
    expect(e.text).toContain('+1 425 555 0100');

    // accepting a closed link says why, as a page
    const opened = await v.get(`/i/${(await flows.invite(stack, p)).code}`);
    const late = await v.submit(`/i/${revoked.code}`, opened.text, 'accept', newCompany());
    expect(late.status).toBe(409);
    expect(late.headers.get('content-type')).toMatch(/^text\/html/);
    expect(late.text).toContain('This invitation was withdrawn');

    // an invitation link opened at /o/ goes to its own path
    const moved = await v.get(`/o/${revoked.code}`);
    expect(moved.status).toBe(303);
    expect(moved.headers.get('location')).toBe(`/i/${revoked.code}`);
  }, 60_000);

  it('refuses a form without the CSRF token of this browser (403 page), and makes nothing', async () => {
    const inv = await flows.invite(stack, p);
    const path = `/i/${inv.code}`;
    const v = new Visitor();
    const page = await v.get(path);
    const company = newCompany();
    const fields = formFields(page.text, 'accept');
    const noToken = await v.post(path, { ...company, formKey: fields.formKey!, action: 'accept' });
    expect(noToken.status).toBe(403);
    expect(noToken.text).toContain('This form cannot be accepted');
    // another browser (its own CSRF seed) with this browser's token: refused as well
    const other = new Visitor();
    await other.get(path);
    const forged = await other.post(path, { ...company, ...fields, action: 'accept' });
    expect(forged.status).toBe(403);
    // nor without any cookie at all
    expect((await new Visitor().post(path, { ...company, ...fields, action: 'accept' })).status).toBe(403);
    expect(await stack.models.Customer.countDocuments({ domain: company.domain })).toBe(0);
  });

  it('a new customer accepts: the trial starts, its token shows once to this browser; a double submit gets the first result and makes one tenant', async () => {
    const inv = await flows.invite(stack, p);
    const path = `/i/${inv.code}`;
    const v = new Visitor();
    const page = await v.get(path);
    const company = newCompany(`${HOSTILE} Inc`);
    // the same form sent twice at once (a double click), then once more (a retry)
    const [first, second] = await Promise.all([v.submit(path, page.text, 'accept', company), v.submit(path, page.text, 'accept', company)]);
    const third = await v.submit(path, page.text, 'accept', company);
    for (const r of [first, second, third]) {
      expect(r.status).toBe(200);
      expect(r.text).toContain('Your trial has started');
      expect(r.text).toContain('&lt;script&gt;alert(1)&lt;/script&gt; Inc');
      expect(r.text).not.toContain(HOSTILE);
    }
    const token = tokenIn(first.text);
    expect(token).toMatch(/^ofc\./);
    expect([tokenIn(second.text), tokenIn(third.text)]).toEqual([token, token]);
    expect(third.text).toContain('this is the result of the first time');
    expect(await stack.models.Customer.countDocuments({ domain: company.domain })).toBe(1);
    expect(await stack.models.Redemption.countDocuments({ invitationId: inv.id })).toBe(1);
    // the session cookie: HttpOnly, SameSite=Lax
    expect(first.headers.getSetCookie().join('\n')).toMatch(/offerflow_customer=ofc\.[^;]+; Path=\/; HttpOnly; SameSite=Lax/);
    expect(v.cookies.get('offerflow_customer')).toBe(encodeURIComponent(token!));

    // another browser sending the same form never sees the token
    const other = new Visitor();
    const elsewhere = await other.get(path);
    const copied = await other.post(path, {
      ...formFields(page.text, 'accept'),
      _csrf: formFields(elsewhere.text, 'accept')._csrf!,
      ...company,
      action: 'accept',
    });
    expect(copied.status).toBe(409);
    expect(copied.text).toContain('exists already');
    expect(tokenIn(copied.text)).toBeUndefined();
    expect(copied.text).not.toContain(token!);

    // the page now knows this browser's customer, and shows no token
    const back = await v.get(path);
    expect(back.text).toContain('You are answering as <strong>&lt;script&gt;alert(1)&lt;/script&gt; Inc</strong>');
    expect(back.text).not.toContain(token!);

    // once the token is withdrawn, a resent form says so instead of showing it
    await stack.models.CustomerToken.updateMany(
      { customerId: (await stack.models.Customer.findOne({ domain: company.domain }).lean())!._id },
      { $set: { revokedAt: new Date() } },
    );
    const withdrawn = await v.submit(path, page.text, 'accept', company);
    expect(withdrawn.status).toBe(410);
    expect(withdrawn.text).toContain('the token is not shown again');
    expect(withdrawn.text).not.toContain(token!);
  }, 60_000);

  it('refuses bad company details as a page that keeps what was entered', async () => {
    const inv = await flows.invite(stack, p);
    const path = `/i/${inv.code}`;
    const v = new Visitor();
    const page = await v.get(path);
    const bad = await v.submit(path, page.text, 'accept', { ...newCompany('Fabrikam'), domain: 'not a domain', contactEmail: 'nobody' });
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('role="alert"');
    expect(bad.text).toMatch(/Domain: must be a domain/);
    expect(bad.text).toContain('value="Fabrikam"');
    const wrongToken = await v.submit(path, page.text, 'accept', { customerToken: 'ofc.nothing-like-a-token' }, 1);
    expect(wrongToken.status).toBe(401);
    expect(wrongToken.text).toContain('That customer token is not valid');
  });

  it('an existing customer buys from an offer page with its own counts; the server computes totals without JavaScript; closed offers get their page', async () => {
    const c = await flows.trialCustomer(stack, p);
    await eventually(async () => (await stack.directory.get(p.id, c.id))?.status === 'trial', 20_000, 'the customer in its trial');
    const o = await flows.sendOffer(
      stack,
      p,
      [c.id],
      [
        { sku: 'BUS-STD', licenses: 10 },
        { sku: 'MAIL-P1', licenses: 3 },
      ],
    );
    // the e-mail the customer got carries the link
    const mail = await eventually(async () => stack.models.OutboxMessage.findOne({ customerId: c.id, kind: 'offer-sent' }).lean(), 20_000, 'the offer e-mail');
    const url = /https?:\/\/\S+\/o\/[A-Za-z0-9_-]{32}/.exec(mail.text)![0];
    const path = pathOf(url);
    expect(path).toBe(`/o/${o.code}`);

    const v = new Visitor();
    const page = await v.get(path);
    expect(page.status).toBe(200);
    const input = /<input\b[^>]*id="lic-BUS-STD"[^>]*>/.exec(page.text)![0];
    for (const attr of ['type="number"', 'name="lic:BUS-STD"', 'min="1"', 'max="300"', 'step="1"', 'value="10"']) expect(input).toContain(attr);
    expect(page.text).toContain('$125.00'); // 10 × $12.50 a month
    expect(page.text).toContain('id="token-accept"'); // no session: the token is asked for

    // without a token: asked for it
    const anonymous = await v.submit(path, page.text, 'accept', { 'lic:BUS-STD': '10', 'lic:MAIL-P1': '3' });
    expect(anonymous.status).toBe(401); // the form requires it: a browser would not send it empty
    expect(anonymous.text).toContain('Give your customer token');
    // "update the totals" without JavaScript: the server computes them
    const updated = await v.submit(path, page.text, 'update', { 'lic:BUS-STD': '12', 'lic:MAIL-P1': '3' });
    expect(updated.status).toBe(200);
    expect(updated.text).toContain('value="12"');
    expect(updated.text).toContain('$150.00'); // 12 × $12.50
    // out of the catalog's bounds: refused by the API, the page says so
    const tooMany = await v.submit(path, updated.text, 'accept', { 'lic:BUS-STD': '301', 'lic:MAIL-P1': '3', customerToken: c.token });
    expect(tooMany.status).toBe(422);
    expect(tooMany.text).toContain('role="alert"');

    const bought = await v.submit(path, updated.text, 'accept', { 'lic:BUS-STD': '12', 'lic:MAIL-P1': '3', customerToken: c.token });
    expect(bought.status).toBe(200);
    expect(bought.text).toContain('Thank you for your purchase');
    expect(bought.text).toMatch(/12 licenses \(your trial, now paid\)/);
    expect(bought.text).toMatch(/3 licenses \(new subscription\)/);
    expect(tokenIn(bought.text)).toBeUndefined(); // no new token for an existing customer
    // the token given is remembered: the next page knows the customer, and says at once that it bought
    const again = await v.get(path);
    expect(again.text).toContain('You accepted this offer already');
    expect(again.text).not.toContain('value="accept"');

    // a superseded offer and a revoked one
    const c2 = await flows.trialCustomer(stack, p);
    const older = await flows.sendOffer(stack, p, [c2.id]);
    await flows.sendOffer(stack, p, [c2.id], [{ sku: 'BUS-STD', licenses: 7 }]);
    await eventually(async () => (await stack.models.OfferRecipient.findById(`${older.id}|${c2.id}`).lean())?.status === 'superseded', 20_000, 'superseded');
    const v2 = new Visitor();
    // the view says superseded before anyone tries to accept it (it was sent to that one customer only)
    const superseded = await v2.get(`/o/${older.code}`);
    expect(superseded.text).toContain('A newer offer replaces this one');
    expect(superseded.text).not.toContain('value="accept"');

    const revoked = await flows.sendOffer(stack, p, [c2.id]);
    expect((await stack.http('POST', `/v1/offers/${revoked.id}/revoke`, undefined, bearer(p.admin.token))).status).toBe(200);
    const r = await v2.get(`/o/${revoked.code}`);
    expect(r.status).toBe(410);
    expect(r.text).toContain('This offer was withdrawn');
  }, 90_000);

  it('signs out: the customer cookie is cleared, and declining an invitation needs nobody', async () => {
    const inv = await flows.invite(stack, p);
    const path = `/i/${inv.code}`;
    const v = new Visitor();
    const page = await v.get(path);
    const accepted = await v.submit(path, page.text, 'accept', newCompany());
    expect(accepted.status).toBe(200);
    const back = await v.get(path);
    const out = await v.submit(path, back.text, 'signout');
    expect(out.status).toBe(303);
    expect(v.cookies.has('offerflow_customer')).toBe(false);
    expect((await v.get(path)).text).not.toContain('You are answering as');

    const other = await flows.invite(stack, p);
    const w = new Visitor();
    const otherPage = await w.get(`/i/${other.code}`);
    const declined = await w.submit(`/i/${other.code}`, otherPage.text, 'decline');
    expect(declined.status).toBe(200);
    expect(declined.text).toContain('You declined the invitation');
  }, 60_000);
  it('a /d page: a customer named like markup shows as text; its token accepts, another customer’s is told the request is not its', async () => {
    const c = await flows.trialCustomer(stack, p, {}, { customer: { ...flows.newCustomer(HOSTILE), name: HOSTILE } });
    expect((await stack.http('POST', `/v1/customers/${c.id}/delegated-admin`, { durationDays: 90, role: 'limited' }, bearer(p.admin.token))).status).toBe(201);
    const mail = await eventually(
      async () => stack.models.OutboxMessage.findOne({ customerId: c.id, kind: 'delegated-admin-requested' }).lean(),
      20_000,
      'the e-mail',
    );
    const url = /https?:\/\/\S+\/d\/[A-Za-z0-9_-]{32}/.exec(mail.text)![0];
    const path = pathOf(url);
    const v = new Visitor();
    const page = await v.get(path);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(csp(page)).toMatch(/script-src 'self'/);
    expect(page.text).not.toContain(HOSTILE);
    expect(page.text).toContain('asks to administer &lt;script&gt;alert(1)&lt;/script&gt;</h1>');
    expect(page.text).not.toMatch(/<script>(?!<\/script>)/);
    expect(page.text).toContain('Limited: password administrator');
    expect(page.text).toContain('90 days from the day you accept');

    const other = await flows.trialCustomer(stack, p);
    const wrong = await v.submit(path, page.text, 'accept', { customerToken: other.token });
    expect(wrong.status).toBe(404);
    expect(wrong.text).toContain('This request is not for your company');

    const accepted = await v.submit(path, page.text, 'accept', { customerToken: c.token });
    expect(accepted.status).toBe(200);
    expect(accepted.text).toContain('Delegated administration accepted');
    expect(accepted.text).toContain('Delegated administration is active');
    expect(accepted.text).not.toContain(HOSTILE);
    const again = await v.get(path);
    expect(again.status).toBe(200);
    expect(again.text).toContain('Delegated administration is active');
    expect(again.text).not.toContain('value="accept"');
  });
});
