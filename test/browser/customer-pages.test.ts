import type { Browser, BrowserContext, Page } from 'playwright-core';
import { bearer, createPartner, type TestPartner } from '../support/partners';
import { eventually, startTestStack, type TestStack } from '../support/stack';
import { launchBrowser, screenshot, watchConsole } from '../support/browser';
import * as flows from '../support/flows';

// What the callbacks run in the page use of the DOM (the project's tsconfig has no DOM library).
declare const document: { activeElement: { id: string } | null; documentElement: { scrollWidth: number; clientWidth: number } };
declare const window: { marker?: number };
declare const FormData: new (form: unknown) => Iterable<[string, string]>;

/** The customer pages in Chromium: what a customer sees and does, with the page's CSP enforced. */
let stack: TestStack;
let browser: Browser;
let p: TestPartner;
const contexts: BrowserContext[] = [];
beforeAll(async () => {
  [stack, browser] = await Promise.all([startTestStack(), launchBrowser()]);
  p = await createPartner(stack, { name: 'Contoso <b>Partners</b> & Co' });
});
afterAll(async () => {
  for (const c of contexts) await c.close().catch(() => undefined);
  await browser?.close();
  await stack?.stop();
});

/** A browser window of its own (its own cookies), whose console and CSP reports are collected. */
async function visitor(options: { width?: number; javaScript?: boolean } = {}): Promise<{ page: Page; problems: string[] }> {
  const context = await browser.newContext({ viewport: { width: options.width ?? 1024, height: 900 }, javaScriptEnabled: options.javaScript ?? true });
  contexts.push(context);
  const page = await context.newPage();
  return { page, problems: watchConsole(page) };
}

const shot = (page: Page, name: string) => screenshot(page, __filename, name);

/** The link in the newest e-mail of `kind` to the customer (by id, or by address). */
async function linkFromOutbox(to: { customerId: string } | { to: string }, kind: string): Promise<string> {
  const mail = await eventually(
    async () =>
      stack.models.OutboxMessage.findOne({ ...to, kind })
        .sort({ _id: -1 })
        .lean(),
    20_000,
    `the ${kind} e-mail`,
  );
  return /https?:\/\/\S+\/[iod]\/[A-Za-z0-9_-]{32}/.exec(mail.text)![0];
}

/** A window horizontally as wide as the page (nothing to scroll sideways). */
/** What the console reported besides the status of a page that is meant to be a 404 or 410. */
const unexpected = (problems: string[]) => problems.filter((m) => !/^Failed to load resource: the server responded with a status of 4(04|10) /.test(m));

const overflow = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);

describe('customer pages in a browser', () => {
  let customer: { page: Page; problems: string[] };
  let customerId: string;

  it('a new customer opens the invitation, describes its company with the keyboard, and sees its token once', async () => {
    const invitee = `someone-${Date.now()}@fabrikam.example`;
    const inv = await flows.invite(stack, p, { sku: 'BUS-STD', recipients: [invitee] });
    // the link as the invitee got it: e-mailed by offerflow
    const url = await linkFromOutbox({ to: invitee }, 'invitation');
    expect(url).toBe(inv.body.url);
    customer = await visitor();
    const { page, problems } = customer;
    const opened = await page.goto(url);
    expect(opened!.status()).toBe(200);
    await expect(page.locator('h1').textContent()).resolves.toContain('Contoso <b>Partners</b> & Co invites you to try');
    expect(await page.locator('h1 b').count()).toBe(0); // the partner's name is text
    await shot(page, '01-invitation');

    // keyboard only: Tab to the first field, type, Tab on, Enter sends
    for (let i = 0; i < 40 && (await page.evaluate(() => document.activeElement?.id)) !== 'company-name'; i++) await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('company-name');
    const company = flows.newCustomer('<script>alert(1)</script> Fabrikam');
    await page.keyboard.type(company.name);
    await page.keyboard.press('Tab');
    await page.keyboard.type(company.domain);
    await page.keyboard.press('Tab');
    await page.keyboard.type(company.contact.name);
    await page.keyboard.press('Tab');
    await page.keyboard.type(company.contact.email);
    await shot(page, '02-invitation-filled');
    const [answer] = await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
    expect(answer!.status()).toBe(200);
    await expect(page.locator('h1').textContent()).resolves.toBe('Your trial has started');
    const token = await page.getByRole('textbox', { name: 'Customer token' }).inputValue();
    expect(token).toMatch(/^ofc\./);
    await expect(page.locator('main').textContent()).resolves.toContain('<script>alert(1)</script> Fabrikam'); // as text
    await shot(page, '03-trial-started');
    customerId = (await stack.models.Customer.findOne({ domain: company.domain }).lean())!._id;

    // opened again: this browser is known, and the token is not shown again
    await page.goto(url);
    await expect(page.locator('.signed-in').textContent()).resolves.toContain('You are answering as <script>alert(1)</script> Fabrikam');
    expect(await page.content()).not.toContain(token);
    await shot(page, '04-invitation-again-signed-in');
    expect(problems).toEqual([]);
  }, 60_000);

  it('the customer opens the offer from its e-mail, changes the license counts (the totals follow, without reload), and buys', async () => {
    const { page, problems } = customer;
    await eventually(async () => (await stack.directory.get(p.id, customerId))?.status === 'trial', 20_000, 'the customer in its trial');
    await flows.sendOffer(
      stack,
      p,
      [customerId],
      [
        { sku: 'BUS-STD', licenses: 10 },
        { sku: 'MAIL-P1', licenses: 3 },
      ],
    );
    const url = await linkFromOutbox({ customerId }, 'offer-sent');
    await page.goto(url);
    await expect(page.locator('.signed-in').textContent()).resolves.toContain('You are answering as');
    expect(await page.locator('#token-accept').count()).toBe(0); // known by its session: no token asked for
    await expect(page.getByRole('button', { name: 'Update the totals' }).isVisible()).resolves.toBe(false); // JavaScript computes them
    await shot(page, '05-offer');

    const prices = await page.locator('tr[data-line]').evaluateAll((rows) => rows.map((r) => Number(r.getAttribute('data-price'))));
    const usd = (minor: number) => new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD' }).format(minor / 100);
    const month = () => page.locator('[data-total-month]').textContent();
    expect(await month()).toBe(usd(10 * prices[0]! + 3 * prices[1]!));
    await page.evaluate(() => (window.marker = 42)); // gone if the page reloads

    await page.getByLabel('Licenses of Business Standard').fill('25');
    await page.getByLabel('Licenses of Mail Plan 1').fill('4');
    expect(await month()).toBe(usd(25 * prices[0]! + 4 * prices[1]!));
    expect(await page.locator('[data-line-total]').first().textContent()).toBe(usd(25 * prices[0]!));
    const period = await page.locator('[data-total-period]').count();
    if (period) expect(await page.locator('[data-total-period]').textContent()).toMatch(/^\$/);
    // out of bounds: no total, and the browser will not send it
    await page.getByLabel('Licenses of Mail Plan 1').fill('0');
    expect(await month()).toBe('—');
    await page.getByLabel('Licenses of Mail Plan 1').fill('4');
    expect(await page.evaluate(() => window.marker)).toBe(42);
    await shot(page, '06-offer-counts-changed');

    const [answer] = await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Accept and buy' }).click()]);
    expect(answer!.status()).toBe(200);
    await expect(page.locator('h1').textContent()).resolves.toBe('Thank you for your purchase');
    const bought = await page.locator('ul.subs').textContent();
    expect(bought).toContain('25 licenses (your trial, now paid)');
    expect(bought).toContain('4 licenses (new subscription)');
    await shot(page, '07-offer-bought');
    expect(problems).toEqual([]);
  }, 60_000);

  it('the customer accepts delegated administration at the /d link from its e-mail (known by its session), and the link then says it is active', async () => {
    const { page, problems } = customer;
    const asked = await stack.http('POST', `/v1/customers/${customerId}/delegated-admin`, { durationDays: 90, role: 'limited' }, bearer(p.admin.token));
    expect(asked.status).toBe(201);
    const url = await linkFromOutbox({ customerId }, 'delegated-admin-requested');
    expect(url).toMatch(/\/d\/[A-Za-z0-9_-]{32}$/);
    const opened = await page.goto(url);
    expect(opened!.status()).toBe(200);
    // the customer's name is `<script>alert(1)</script> Fabrikam`: text, never markup
    await expect(page.locator('h1').textContent()).resolves.toBe('Contoso <b>Partners</b> & Co asks to administer <script>alert(1)</script> Fabrikam');
    expect(await page.locator('main script, h1 b').count()).toBe(0);
    const main = (await page.locator('main').textContent())!;
    expect(main).toContain('Limited: password administrator');
    expect(main).toContain("reset your users' passwords, and nothing else");
    expect(main).toContain('90 days from the day you accept');
    expect(main).toContain('Not extended: it ends by itself');
    await expect(page.locator('.signed-in').textContent()).resolves.toContain('You are answering as <script>alert(1)</script> Fabrikam');
    expect(await page.locator('#token-accept').count()).toBe(0); // known by its session
    await shot(page, '15-delegated-admin-request');

    const [answer] = await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Accept delegated administration' }).click()]);
    expect(answer!.status()).toBe(200);
    await expect(page.locator('h1').textContent()).resolves.toBe('Delegated administration accepted');
    const result = (await page.locator('main').textContent())!;
    expect(result).toContain('Delegated administration is active');
    expect(result).toContain('Limited: password administrator');
    await shot(page, '16-delegated-admin-accepted');
    const relationships = await stack.http('GET', `/v1/customers/${customerId}/delegated-admin`, undefined, bearer(p.admin.token));
    expect(relationships.body[0]).toMatchObject({ id: asked.body.id, status: 'active' });

    // the link answered: it says so, no form
    const again = await page.goto(url);
    expect(again!.status()).toBe(200);
    await expect(page.locator('h1').textContent()).resolves.toBe('Delegated administration is active');
    expect(await page.locator('form button[value=accept]').count()).toBe(0);
    await shot(page, '17-delegated-admin-answered');
    expect(problems).toEqual([]);
  }, 60_000);

  it('another customer declines delegated administration at its /d link with its token; the link then says declined', async () => {
    const c = await flows.trialCustomer(stack, p);
    await stack.http('POST', `/v1/customers/${c.id}/delegated-admin`, { durationDays: 30, role: 'full', autoExtend: true }, bearer(p.admin.token));
    const url = await linkFromOutbox({ customerId: c.id }, 'delegated-admin-requested');
    const { page, problems } = await visitor();
    await page.goto(url);
    const main = (await page.locator('main').textContent())!;
    expect(main).toContain('Full: global administrator');
    expect(main).toContain('Extended automatically by 180 days');
    await page.locator('#token-decline').fill(c.token);
    await shot(page, '18-delegated-admin-decline');
    const [answer] = await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Decline the request' }).click()]);
    expect(answer!.status()).toBe(200);
    await expect(page.locator('h1').textContent()).resolves.toBe('You declined the request');
    await shot(page, '19-delegated-admin-declined');
    const relationships = await stack.http('GET', `/v1/customers/${c.id}/delegated-admin`, undefined, bearer(p.admin.token));
    expect(relationships.body[0].status).toBe('declined');

    const again = await page.goto(url);
    expect(again!.status()).toBe(410);
    await expect(page.locator('h1').textContent()).resolves.toBe('This request was declined');
    await shot(page, '20-delegated-admin-declined-again');
    expect(unexpected(problems)).toEqual([]);
  }, 60_000);

  it('a published offer: a trial customer it does not name buys with its token; a company new to offerflow joins and buys through it', async () => {
    const c = await flows.trialCustomer(stack, p);
    await eventually(async () => (await stack.directory.get(p.id, c.id))?.status === 'trial', 20_000, 'the customer in its trial');
    const offer = await flows.sendOffer(stack, p, [], [{ sku: 'BUS-STD', licenses: 7 }], { published: true });
    expect(offer.body.published).toBe(true);
    const { page, problems } = await visitor();
    expect((await page.goto(offer.body.url))!.status()).toBe(200);
    await page.getByLabel('Already a customer').check();
    await page.getByLabel('Customer token').first().fill(c.token);
    await shot(page, '21-published-offer');
    const [answer] = await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Accept and buy' }).click()]);
    expect(answer!.status()).toBe(200);
    await expect(page.locator('h1').textContent()).resolves.toBe('Thank you for your purchase');
    await expect(page.locator('ul.subs').textContent()).resolves.toContain('7 licenses (your trial, now paid)');
    await shot(page, '22-published-offer-bought');
    expect(problems).toEqual([]);

    // someone new: the same page, the company described, 9 licenses; it becomes the partner's customer and sees its token once
    const v = await visitor({ width: 360 });
    await v.page.goto(offer.body.url);
    const company = flows.newCustomer('Wingtip <i>Toys</i>');
    await v.page.getByLabel('Licenses of', { exact: false }).first().fill('9');
    await v.page.getByLabel('A company new to offerflow').check();
    await v.page.getByLabel('Company name').fill(company.name);
    await v.page.getByLabel('Domain').fill(company.domain);
    await v.page.getByLabel("Administrator's name").fill(company.contact.name);
    await v.page.getByLabel("Administrator's e-mail").fill(company.contact.email);
    expect(await overflow(v.page)).toBeLessThanOrEqual(0);
    await shot(v.page, '23-published-offer-new-company');
    const [joined] = await Promise.all([v.page.waitForNavigation({ timeout: 60_000 }), v.page.getByRole('button', { name: 'Accept and buy' }).click()]);
    expect(joined!.status()).toBe(200);
    await expect(v.page.locator('h1').textContent()).resolves.toBe('Thank you for your purchase');
    await expect(v.page.locator('ul.subs').textContent()).resolves.toContain('9 licenses');
    const token = await v.page.locator('#customer-token').inputValue();
    expect(token).toMatch(/^ofc\./);
    await shot(v.page, '24-published-offer-new-company-bought');
    const mine = await stack.http('GET', '/v1/customer/subscriptions', undefined, bearer(token));
    expect(mine.body).toEqual(expect.arrayContaining([expect.objectContaining({ sku: 'BUS-STD', partnerId: p.id })]));
    expect(await stack.models.Customer.countDocuments({ domain: company.domain, name: company.name })).toBe(1);
    expect(v.problems).toEqual([]);
  }, 90_000);

  it('expired and revoked links open a clear page with the partner’s contact', async () => {
    const { page, problems } = await visitor();
    const expired = await flows.invite(stack, p, { expiresInSeconds: 1 });
    await stack.client.workflow.getHandle(expired.workflowId).result();
    const e = await page.goto(expired.body.url);
    expect(e!.status()).toBe(410);
    await expect(page.locator('h1').textContent()).resolves.toBe('This invitation has expired');
    await expect(page.locator('main').textContent()).resolves.toContain('+1 425 555 0100');
    await shot(page, '08-expired');

    const revoked = await flows.invite(stack, p);
    expect((await stack.http('POST', `/v1/invitations/${revoked.id}/revoke`, undefined, bearer(p.admin.token))).status).toBe(200);
    const r = await page.goto(revoked.body.url);
    expect(r!.status()).toBe(410);
    await expect(page.locator('h1').textContent()).resolves.toBe('This invitation was withdrawn');
    await shot(page, '09-revoked');

    const unknown = await page.goto(`${stack.baseUrl}/o/${'x'.repeat(32)}`);
    expect(unknown!.status()).toBe(404);
    await expect(page.locator('h1').textContent()).resolves.toBe('This link is unknown');
    await shot(page, '10-unknown');
    expect(unexpected(problems)).toEqual([]);
  }, 60_000);

  it('a double submit (two clicks without JavaScript, then the same form once more) gets one result: one tenant, the same token', async () => {
    const inv = await flows.invite(stack, p);
    // without JavaScript nothing stops the second click: the server must
    const { page, problems } = await visitor({ javaScript: false });
    await page.goto(inv.body.url);
    const company = flows.newCustomer('Northwind');
    await page.getByLabel('Company name').fill(company.name);
    await page.getByLabel('Domain').fill(company.domain);
    await page.getByLabel("Administrator's name").fill(company.contact.name);
    await page.getByLabel("Administrator's e-mail").fill(company.contact.email);
    const form = await page.locator('form:has(#company-name)').evaluate((f) => new URLSearchParams(new FormData(f)).toString());
    const button = page.getByRole('button', { name: 'Start the trial', exact: true });
    await button.click({ clickCount: 2, delay: 5, noWaitAfter: true }); // the browser drops the first navigation for the second
    await page.locator('h1', { hasText: 'Your trial has started' }).waitFor();
    const token = await page.getByRole('textbox', { name: 'Customer token' }).inputValue();
    expect(token).toMatch(/^ofc\./);
    await shot(page, '11-double-submit-result');
    // the same form sent once more, from this browser (its cookies): the first result, token included
    const again = await page.request.post(inv.body.url, { headers: { 'content-type': 'application/x-www-form-urlencoded' }, data: `${form}&action=accept` });
    expect(again.status()).toBe(200);
    const text = await again.text();
    expect(text).toContain(token);
    expect(text).toContain('this is the result of the first time');
    expect(await stack.models.Customer.countDocuments({ domain: company.domain })).toBe(1);
    expect(await stack.models.Redemption.countDocuments({ invitationId: inv.id })).toBe(1);
    expect(problems).toEqual([]);
  }, 60_000);

  it('reads at 360 px: nothing to scroll sideways, on the invitation, the offer and the result', async () => {
    const { page, problems } = await visitor({ width: 360 });
    const inv = await flows.invite(stack, p, { sku: 'BUS-STD', delegatedAdmin: { durationDays: 90, autoExtend: true } });
    await page.goto(inv.body.url);
    expect(await overflow(page)).toBeLessThanOrEqual(0);
    await shot(page, '12-invitation-360px');
    const company = flows.newCustomer('Wide World Importers');
    await page.getByLabel('Company name').fill(company.name);
    await page.getByLabel('Domain').fill(company.domain);
    await page.getByLabel("Administrator's name").fill(company.contact.name);
    await page.getByLabel("Administrator's e-mail").fill(company.contact.email);
    await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Start the trial', exact: true }).click()]);
    expect(await overflow(page)).toBeLessThanOrEqual(0);
    await shot(page, '13-result-360px');

    const id = (await stack.models.Customer.findOne({ domain: company.domain }).lean())!._id;
    await eventually(async () => (await stack.directory.get(p.id, id))?.status === 'trial', 20_000, 'the customer in its trial');
    await flows.sendOffer(
      stack,
      p,
      [id],
      [
        { sku: 'BUS-STD', licenses: 10 },
        { sku: 'MAIL-P1', licenses: 3 },
      ],
      { delegatedAdmin: { durationDays: 180, autoExtend: false } },
    );
    await page.goto(await linkFromOutbox({ customerId: id }, 'offer-sent'));
    expect(await overflow(page)).toBeLessThanOrEqual(0);
    await shot(page, '14-offer-360px');
    expect(problems).toEqual([]);
  }, 60_000);
});
