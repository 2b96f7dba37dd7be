import { bearer, createPartner, type TestPartner } from '../support/partners';
import { eventually, startTestStack, type HttpResult, type TestStack } from '../support/stack';
import * as flows from '../support/flows';

/**
 * Every URL offerflow hands out (a `url` in any API answer) or e-mails (any URL in any outbox
 * message's text, whatever its kind) opens a page a person can read: HTML with the pages' CSP,
 * never the API's JSON, never a 404.
 */
let stack: TestStack;
let p: TestPartner;
/** Every `url` field of every answer the API gave in this test. */
const answered = new Set<string>();

function collectUrls(value: unknown): void {
  if (Array.isArray(value)) value.forEach(collectUrls);
  else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (k === 'url' && typeof v === 'string') answered.add(v);
      else collectUrls(v);
    }
  }
}

beforeAll(async () => {
  stack = await startTestStack();
  const http = stack.http.bind(stack);
  stack.http = async (...args: Parameters<TestStack['http']>): Promise<HttpResult> => {
    const res = await http(...args);
    collectUrls(res.body);
    return res;
  };
  p = await createPartner(stack);
});
afterAll(async () => {
  await stack?.stop();
});

/** The URLs in a text, without the punctuation that ends the sentence they are in. */
const urlsIn = (text: string): string[] => [...text.matchAll(/https?:\/\/[^\s<>"'()]+/g)].map((m) => m[0].replace(/[.,;:!?]+$/, ''));

const expectStatus = (res: HttpResult, status: number, what: string) => expect({ what, status: res.status, body: res.body }).toMatchObject({ what, status });

describe('links', () => {
  it('every URL offerflow hands out or e-mails opens a page', async () => {
    // an invitation e-mailed to a recipient (and one more later), with delegated administration; accepted through its link
    const invitee = `invitee-${Date.now()}@fabrikam.example`;
    const inv = await flows.invite(stack, p, { sku: 'BUS-STD', recipients: [invitee], delegatedAdmin: { durationDays: 90, role: 'limited' } });
    expectStatus(
      await stack.http('POST', `/v1/invitations/${inv.id}/recipients`, { recipients: [`later-${Date.now()}@fabrikam.example`] }, bearer(p.admin.token)),
      200,
      'more recipients',
    );
    const c = await flows.acceptInvitation(stack, inv.code); // not granting delegated administration: it is asked by e-mail
    const [c2, c3] = await Promise.all([flows.trialCustomer(stack, p), flows.trialCustomer(stack, p)]);
    for (const id of [c.id, c2.id, c3.id])
      await eventually(async () => (await stack.directory.get(p.id, id))?.status === 'trial', 20_000, 'the customer in its trial');

    // an offer sent with delegated administration, accepted without granting it (so it is asked by e-mail), and a published one
    const offer = await flows.sendOffer(stack, p, [c2.id], [{ sku: 'BUS-STD', licenses: 5 }], { delegatedAdmin: { durationDays: 180, role: 'full' } });
    expectStatus(await flows.acceptOffer(stack, offer.code, c2.token, { acceptDelegatedAdmin: false }), 201, 'accepting the offer');
    const published = await flows.sendOffer(stack, p, [], [{ sku: 'BUS-STD', licenses: 3 }], { published: true });
    expectStatus(await flows.acceptOffer(stack, published.code, c.token), 201, 'accepting the published offer');
    // delegated administration asked on its own
    expectStatus(
      await stack.http('POST', `/v1/customers/${c3.id}/delegated-admin`, { durationDays: 90, role: 'limited' }, bearer(p.admin.token)),
      201,
      'asking for delegated administration',
    );

    // everything e-mailed has been written: each request (with the trial, the offer, on its own) told by e-mail with its code
    await eventually(
      async () => {
        const codes = (await stack.models.Relationship.find({}).lean()).map((r) => r.code);
        if (codes.length < 3 || codes.some((code) => !code)) return false;
        const told = await Promise.all(codes.map((code) => stack.models.OutboxMessage.exists({ kind: 'delegated-admin-requested', text: { $regex: code! } })));
        return told.every(Boolean) && (await stack.models.OutboxMessage.countDocuments({ kind: 'offer-sent' })) >= 2;
      },
      30_000,
      'the e-mails of the chain',
    );
    const mails = await stack.models.OutboxMessage.find({}).lean();
    const mailed = new Set(mails.flatMap((m) => urlsIn(`${m.subject ?? ''}\n${m.text ?? ''}`)));
    const all = [...new Set([...mailed, ...answered])].sort();
    // not vacuous: the chain's links are all among them
    for (const url of [inv.body.url, offer.body.url, published.body.url]) expect(all).toContain(url);
    expect(all.filter((u) => /\/d\/[A-Za-z0-9_-]{32}$/.test(u)).length).toBeGreaterThanOrEqual(3);
    expect([...mailed].filter((u) => /\/i\//.test(u)).length).toBeGreaterThanOrEqual(1);

    const failed: string[] = [];
    for (const url of all) {
      const res = await fetch(url, { headers: { accept: 'text/html,application/xhtml+xml' }, redirect: 'manual' });
      const text = await res.text();
      const type = res.headers.get('content-type') ?? '';
      const csp = res.headers.get('content-security-policy') ?? '';
      const why: string[] = [];
      if (res.status !== 200 && res.status !== 410) why.push(`status ${res.status}`);
      if (!/^text\/html/.test(type)) why.push(`content-type ${type || 'none'}`);
      if (!/script-src 'self'/.test(csp) || !/frame-ancestors 'none'/.test(csp)) why.push(`CSP "${csp}"`);
      if (/^\s*[[{]/.test(text) || !/<html\b/i.test(text)) why.push(`body ${JSON.stringify(text.slice(0, 120))}`);
      if (why.length) failed.push(`${url}: ${why.join(', ')}`);
    }
    expect(failed).toEqual([]);
  }, 120_000);
});
