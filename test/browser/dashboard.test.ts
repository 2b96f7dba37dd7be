import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchBrowser, screenshot, watchConsole } from '../support/browser';
import { acceptInvitation, acceptOffer, invite, newCustomer, sendOffer, trialCustomer, type TestCustomer } from '../support/flows';
import { bearer, createPartner, type TestPartner } from '../support/partners';
import { eventually, startTestStack, type TestStack } from '../support/stack';

/**
 * The partner dashboard in a real browser (Debian's Chromium through playwright-core):
 * signing in with the keyboard, the funnel, the customers, a timeline with its
 * Temporal UI links, at a desktop width and at 360 px, with nothing refused by the
 * page's CSP and no script error. Screenshots: test-output/dashboard/.
 */

let stack: TestStack;
let browser: Browser;
beforeAll(async () => {
  [stack, browser] = await Promise.all([startTestStack(), launchBrowser()]);
});
afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

const DESKTOP = { width: 1280, height: 900 };
const PHONE = { width: 360, height: 740 };

interface Session {
  context: BrowserContext;
  page: Page;
  problems: string[];
  dialogs: string[];
  /** Every answer of 400 or more the page got: `<status> <path>`. */
  failed: string[];
}

async function open(viewport: { width: number; height: number }): Promise<Session> {
  const context = await browser.newContext({ viewport, baseURL: stack.baseUrl });
  const page = await context.newPage();
  const problems = watchConsole(page);
  const dialogs: string[] = [];
  const failed: string[] = [];
  page.on('response', (r) => {
    if (r.status() >= 400) failed.push(`${r.status()} ${new URL(r.url()).pathname}`);
  });
  page.on('dialog', (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  return { context, page, problems, dialogs, failed };
}

/**
 * What the console said besides the browser's own note on each failed answer
 * ("Failed to load resource"), which `failed` lists with its path instead.
 */
const realProblems = (s: Session) => s.problems.filter((p) => !/^Failed to load resource: the server responded with a status of \d+/.test(p));

/** The browser asks for /favicon.ico on its own; the service has none (the API's 404). */
const unexpectedFailures = (s: Session, expected: string[] = []) => s.failed.filter((f) => f !== '404 /favicon.ico' && !expected.includes(f));

/** Signs in as a person would, with the keyboard only: the label names the field, Enter submits. */
async function signIn(page: Page, token: string): Promise<void> {
  await page.goto('/dashboard');
  await page.getByLabel('API token').focus();
  await page.keyboard.type(token);
  await Promise.all([page.waitForURL('**/dashboard'), page.keyboard.press('Enter')]);
  await page.getByRole('heading', { name: 'Conversion funnel' }).waitFor();
}

/** Nothing wider than the window (no sideways scrolling of the page itself). */
const pageWidth = (page: Page) =>
  page.evaluate(() => (globalThis as unknown as { document: { documentElement: { scrollWidth: number } } }).document.documentElement.scrollWidth);

/** The funnel's counts as the dashboard's table shows them, by step. */
async function funnelCounts(page: Page): Promise<Record<string, number>> {
  const rows = await page
    .locator('table.funnel-table tbody tr')
    .evaluateAll((trs) => trs.map((tr) => [tr.getAttribute('data-step') ?? '', Number(tr.querySelector('td')?.textContent ?? 'NaN')] as const));
  return Object.fromEntries(rows);
}

const temporalPrefix = 'http://temporal-ui.test/namespaces/default/workflows/';

describe('a partner user on the dashboard', () => {
  let p: TestPartner;
  let customer: TestCustomer;
  beforeAll(async () => {
    p = await createPartner(stack);
    // a customer in its trial that then bought, named to tempt an injection
    customer = (await trialCustomer(stack, p, {}, { customer: { ...newCustomer(), name: '<script>alert(1)</script> Tailspin' } })) as TestCustomer;
    const offer = await sendOffer(stack, p, [customer.id]);
    expect((await acceptOffer(stack, offer.code, customer.token)).status).toBe(201);
    await trialCustomer(stack, p, {}, { customer: newCustomer('Wide World Importers') });
    await eventually(async () => (await stack.http('GET', '/v1/customers', undefined, bearer(p.admin.token))).body.items.length === 2, 20_000, 'both listed');
    await eventually(
      async () =>
        (await stack.http('GET', `/v1/customers/${customer.id}/timeline`, undefined, bearer(p.admin.token))).body.some(
          (t: { stage: string }) => t.stage === 'purchased',
        ),
      20_000,
      'the purchase on the timeline',
    );
  });

  for (const [name, viewport] of [
    ['desktop', DESKTOP],
    ['360px', PHONE],
  ] as const) {
    it(`signs in, sees the funnel, the customers and a timeline with Temporal UI links (${name})`, async () => {
      const session = await open(viewport);
      const { context, page, dialogs } = session;
      try {
        await page.goto('/dashboard');
        await screenshot(page, __filename, `${name}-1-sign-in`);
        await signIn(page, p.admin.token);

        // the keyboard's first stop skips the header
        await page.keyboard.press('Tab');
        await expect(
          page.evaluate(() => (globalThis as unknown as { document: { activeElement: { textContent: string } } }).document.activeElement.textContent),
        ).resolves.toBe('Skip to the content');
        await screenshot(page, __filename, `${name}-2-skip-link`);

        // the funnel: a chart that names itself, and the numbers as a table
        const chart = page.getByRole('img', { name: /Conversion funnel from \d{4}-\d\d-\d\d to \d{4}-\d\d-\d\d/ });
        await expect(chart.isVisible()).resolves.toBe(true);
        expect(Object.keys(await funnelCounts(page))).toEqual(['invited', 'trial', 'offer-sent', 'purchased', 'delegated-admin-active']);
        expect(await pageWidth(page)).toBeLessThanOrEqual(viewport.width);
        await screenshot(page, __filename, `${name}-2-funnel`);

        // the customers, by keyboard from the navigation
        await page.getByRole('navigation', { name: 'Dashboard' }).getByRole('link', { name: 'Customers' }).focus();
        await Promise.all([page.waitForURL('**/dashboard/customers'), page.keyboard.press('Enter')]);
        await expect(page.getByRole('link', { name: '<script>alert(1)</script> Tailspin' }).isVisible()).resolves.toBe(true);
        await expect(page.getByRole('link', { name: 'Wide World Importers' }).isVisible()).resolves.toBe(true);
        expect(await pageWidth(page)).toBeLessThanOrEqual(viewport.width);
        await screenshot(page, __filename, `${name}-3-customers`);

        // search
        await page.getByLabel('Name or domain').fill('wide world');
        await Promise.all([page.waitForURL('**/dashboard/customers?q=wide+world**'), page.getByLabel('Name or domain').press('Enter')]);
        await expect(page.getByRole('link', { name: 'Wide World Importers' }).isVisible()).resolves.toBe(true);
        await expect(page.getByRole('link', { name: /Tailspin/ }).count()).resolves.toBe(0);
        await screenshot(page, __filename, `${name}-4-search`);

        // a customer's timeline, each step's flow in the Temporal UI
        await page.goto('/dashboard/customers');
        await Promise.all([page.waitForURL(`**/dashboard/customers/${customer.id}`), page.getByRole('link', { name: /Tailspin/ }).click()]);
        await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('<script>alert(1)</script> Tailspin');
        const flows = page.getByRole('link', { name: /^Open workflow .* in the Temporal UI$/ });
        const hrefs = await flows.evaluateAll((as) => as.map((a) => a.getAttribute('href') ?? ''));
        expect(hrefs.length).toBeGreaterThan(0);
        for (const href of hrefs) expect(href.startsWith(temporalPrefix)).toBe(true);
        expect(hrefs).toContain(temporalPrefix + encodeURIComponent(customer.onboardingWorkflowId));
        await expect(page.locator('ol.timeline li').count()).resolves.toBeGreaterThanOrEqual(2);
        expect(await pageWidth(page)).toBeLessThanOrEqual(viewport.width);
        await screenshot(page, __filename, `${name}-5-customer`);

        for (const [section, file] of [
          ['Invitations', 'invitations'],
          ['Activity', 'activity'],
          ['Offers', 'offers'],
        ] as const) {
          await page.getByRole('navigation', { name: 'Dashboard' }).getByRole('link', { name: section }).click();
          await page.waitForURL(`**/dashboard/${file}`);
          expect(await pageWidth(page)).toBeLessThanOrEqual(viewport.width);
          await screenshot(page, __filename, `${name}-6-${file}`);
        }
        await page.locator('ul.offers a').first().click();
        await page.waitForURL('**/dashboard/offers/*');
        expect(await pageWidth(page)).toBeLessThanOrEqual(viewport.width);
        await screenshot(page, __filename, `${name}-7-offer`);

        // sign out
        await page.getByRole('button', { name: 'Sign out' }).click();
        await page.getByText('You are signed out.').waitFor();
        await page.goto('/dashboard/customers');
        await expect(page.getByLabel('API token').isVisible()).resolves.toBe(true);

        expect(realProblems(session)).toEqual([]);
        // the one refusal: the page after signing out is the sign-in form, answered 401
        expect(unexpectedFailures(session, ['401 /dashboard/customers'])).toEqual([]);
        expect(dialogs).toEqual([]);
      } finally {
        await context.close();
      }
    });
  }
});

/**
 * The funnel moves: a new partner's dashboard, reloaded after each step of the
 * chain (each done through the API, as a partner and its customer would), shows
 * that step's count go up. Add a step by adding one to `steps`.
 */
describe('the funnel', () => {
  interface ChainState {
    invitee: ReturnType<typeof newCustomer>;
    invitationCode?: string;
    customer?: TestCustomer;
    offerCode?: string;
  }
  interface Step {
    name: string;
    /** The funnel's step this one should count in. */
    counts: string;
    act(p: TestPartner, s: ChainState): Promise<void>;
  }
  const steps: Step[] = [
    {
      name: 'a trial invitation is e-mailed',
      counts: 'invited',
      async act(p, s) {
        s.invitationCode = (await invite(stack, p, { recipients: [s.invitee.contact.email] })).code;
      },
    },
    {
      name: 'a new customer accepts it',
      counts: 'trial',
      async act(_p, s) {
        // the invitee itself: invited once, whether by e-mail or as the customer it became
        s.customer = await acceptInvitation(stack, s.invitationCode!, { customer: s.invitee });
      },
    },
    {
      name: 'a purchase offer asking for delegated administration is sent',
      counts: 'offer-sent',
      async act(p, s) {
        s.offerCode = (await sendOffer(stack, p, [s.customer!.id], undefined, { delegatedAdmin: { durationDays: 365 } })).code;
      },
    },
    {
      name: 'the customer buys',
      counts: 'purchased',
      async act(_p, s) {
        const bought = await acceptOffer(stack, s.offerCode!, s.customer!.token);
        if (bought.status !== 201) throw new Error(`accepting the offer: ${bought.status} ${bought.text}`);
      },
    },
    {
      name: 'the customer accepts delegated administration',
      counts: 'delegated-admin-active',
      async act(_p, s) {
        const asCustomer = bearer(s.customer!.token);
        const pending = await eventually(
          async () => (await stack.http('GET', '/v1/customer/delegated-admin', undefined, asCustomer)).body?.[0] as { id: string } | undefined,
          20_000,
          'the delegated-admin request',
        );
        const granted = await stack.http('POST', `/v1/customer/delegated-admin/${pending.id}/accept`, undefined, asCustomer);
        if (granted.status !== 200) throw new Error(`accepting delegated administration: ${granted.status} ${granted.text}`);
      },
    },
  ];

  it('moves after each step of the chain', async () => {
    const p = await createPartner(stack);
    const session = await open(DESKTOP);
    const { context, page } = session;
    try {
      await signIn(page, p.admin.token);
      const expected: Record<string, number> = Object.fromEntries(steps.map((s) => [s.counts, 0]));
      expect(await funnelCounts(page)).toEqual(expected);
      const state: ChainState = { invitee: newCustomer() };
      for (const [i, step] of steps.entries()) {
        await step.act(p, state);
        expected[step.counts] = 1;
        // the counts may follow the step by a moment (read models): reload until they do
        await eventually(
          async () => {
            await page.reload();
            const counts = await funnelCounts(page);
            return JSON.stringify(counts) === JSON.stringify(expected) && counts;
          },
          20_000,
          `the funnel after "${step.name}" to be ${JSON.stringify(expected)}`,
        );
        await screenshot(page, __filename, `funnel-${i + 1}-${step.counts}`);
      }
      expect(realProblems(session)).toEqual([]);
      expect(unexpectedFailures(session)).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
