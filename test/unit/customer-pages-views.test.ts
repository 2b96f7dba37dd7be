import { linkViewOut } from '../../src/links/schemas';
import { linkPage, offerTotals, resultPage, type FormContext, type LinkView } from '../../src/pages/customer/views';
import { periodMonths, perPeriod } from '../../src/pages/customer/format';

/**
 * The customer pages rendered from hand-made views: what the back end does not answer yet on this
 * branch (delegated-admin links, an offer's billing period and delegated administration) is held to
 * the contract (`linkViewOut`) and rendered here.
 */
const partner = {
  name: 'Contoso <img src=x onerror=alert(1)>',
  phone: '+1 425 555 0100',
  email: 'hello@contoso.example',
  website: 'javascript:alert(1)',
  address: { line1: '1 Main Street', city: 'Redmond' },
};

const ctx = (extra: Partial<FormContext> = {}): FormContext => ({
  action: '/d/abcdefghijklmnopqrstuvwxyz012345',
  csrf: 'csrf-token',
  newKey: () => 'k'.repeat(32),
  now: new Date('2026-11-29T12:00:00Z'),
  ...extra,
});

const view = <K extends LinkView['kind']>(v: Extract<LinkView, { kind: K }>) => linkViewOut.parse(v) as Extract<LinkView, { kind: K }>;

const daView = (status: string, extra: Record<string, unknown> = {}) =>
  view<'delegated-admin'>({
    kind: 'delegated-admin',
    status: status as never,
    partner,
    customer: { id: 'cus_1', name: 'Fabrikam <script>alert(1)</script>' },
    requestedAt: '2026-11-20T10:00:00Z',
    lapsesAt: '2027-02-18T10:00:00Z',
    delegatedAdmin: { role: 'limited', durationDays: 180, autoExtend: true, extensionDays: 180 },
    ...extra,
  });

const labelled = (markup: string) => {
  const ids = [...markup.matchAll(/<(?:input|textarea)\b(?![^>]*type="hidden")[^>]*\bid="([^"]+)"/g)].map((m) => m[1]!);
  return ids.every((id) => markup.includes(`<label for="${id}"`)) && ids;
};

describe('customer pages, rendered', () => {
  it('a delegated-admin request: role in words, duration, extension, the deadline; accept and decline ask for the token; everything escaped', () => {
    const page = linkPage(daView('approval-pending'), ctx());
    const markup = page.body.value;
    expect(page.status).toBe(200);
    expect(markup).toContain('Limited: password administrator');
    expect(markup).toContain("reset your users' passwords, and nothing else".replace("'", '&#39;'));
    expect(markup).toContain('180 days from the day you accept');
    expect(markup).toContain('Extended automatically by 180 days');
    expect(markup).toContain('18 February 2027');
    expect(markup).toContain('Fabrikam &lt;script&gt;alert(1)&lt;/script&gt;');
    expect(markup).not.toMatch(/<script>|<img /);
    expect(markup).not.toContain('href="javascript:'); // a website that is not a web address is not a link
    expect(markup).toContain('id="token-accept"');
    expect(markup).toContain('id="token-decline"');
    expect(markup.match(/action="\/d\/abcdefghijklmnopqrstuvwxyz012345"/g)).toHaveLength(2);
    expect(labelled(markup)).toEqual(['token-accept', 'token-decline']);

    const known = linkPage(daView('approval-pending'), ctx({ customer: { id: 'cus_1', name: 'Fabrikam' } })).body.value;
    expect(known).not.toContain('id="token-accept"');
    expect(known).toContain('Not you? Sign out');
    expect(known).toContain('name="as" value="session"');
  });

  it('a full role says global administrator', () => {
    const markup = linkPage(daView('approval-pending', { delegatedAdmin: { role: 'full', durationDays: 730, autoExtend: false, extensionDays: 180 } }), ctx())
      .body.value;
    expect(markup).toContain('Full: global administrator');
    expect(markup).toContain('Not extended: it ends by itself');
  });

  it.each([
    ['active', 200, 'Delegated administration is active'],
    ['expiring', 200, 'Delegated administration is active'],
    ['terminated', 410, 'Delegated administration was ended'],
    ['lapsed', 410, 'This request has lapsed'],
    ['declined', 410, 'This request was declined'],
    ['expired', 410, 'This request has expired'],
  ])('a relationship %s gets its page (%i) with the partner’s contact', (status, code, title) => {
    const page = linkPage(daView(status, { endsAt: '2027-05-29T10:00:00Z' }), ctx());
    expect(page.status).toBe(code);
    expect(page.title).toBe(title);
    expect(page.body.value).toContain('mailto:hello@contoso.example');
    expect(page.body.value).not.toContain('<form');
  });

  it('accepting a delegated-admin request says the relationship is active, or pending', () => {
    const accepted = { customer: { id: 'cus_1', name: 'Fabrikam', domain: 'fabrikam.example' } };
    const opts = { replayed: false, agreedDelegatedAdmin: true, now: new Date() };
    expect(resultPage(daView('approval-pending'), { ...accepted, delegatedAdmin: { relationshipId: 'rel_1', status: 'active' } }, opts).body.value).toContain(
      'Delegated administration is active',
    );
    expect(
      resultPage(daView('approval-pending'), { ...accepted, delegatedAdmin: { relationshipId: 'rel_1', status: 'approval-pending' } }, opts).body.value,
    ).toContain('waiting for approval');
  });

  it('an offer with a billing period and delegated administration: totals per month and per period, the option to grant', () => {
    const offer = view<'purchase-offer'>({
      kind: 'purchase-offer',
      status: 'open',
      expiresAt: '2026-12-29T12:00:00Z',
      partner,
      published: false,
      billingPeriodDays: 365,
      items: [
        {
          sku: 'BUS-STD',
          name: 'Business Standard',
          description: 'Apps',
          licenses: 10,
          minLicenses: 1,
          maxLicenses: 300,
          monthlyPricePerLicense: { amount: 1250, currency: 'USD' },
        },
        {
          sku: 'MAIL-P1',
          name: 'Mail Plan 1',
          description: 'Mail',
          licenses: 3,
          minLicenses: 1,
          maxLicenses: 100000,
          monthlyPricePerLicense: { amount: 400, currency: 'USD' },
        },
      ],
      delegatedAdmin: { role: 'full', durationDays: 90, autoExtend: false, extensionDays: 180 },
    });
    const markup = linkPage(offer, ctx({ action: '/o/x' })).body.value;
    expect(markup).toContain('$137.00'); // 10 × 12.50 + 3 × 4.00 a month
    expect(markup).toContain('Total per billing period (365 days)');
    expect(markup).toContain('$1,644.00'); // twelve months
    expect(markup).toContain('data-period-days="365"');
    expect(markup).toContain('Also grant delegated administration');
    expect(labelled(markup)).toEqual(['lic-BUS-STD', 'lic-MAIL-P1', 'da-offer', 'token-accept', 'token-decline']);
    expect(offerTotals(offer, { 'BUS-STD': 10, 'MAIL-P1': undefined }).month).toBeUndefined();
    expect(markup).toContain('data-period-months="12"');
    // a period of whole calendar months costs that many months (the default 30 days is a month); others are prorated
    expect(perPeriod(13_700, 30)).toBe(13_700);
    expect(perPeriod(13_700, 90)).toBe(3 * 13_700);
    expect(perPeriod(13_700, 365)).toBe(12 * 13_700);
    expect(perPeriod(13_700, 14)).toBe(Math.round((13_700 * 14 * 12) / 365));
    expect(periodMonths(45)).toBeCloseTo((45 * 12) / 365);
  });
});
