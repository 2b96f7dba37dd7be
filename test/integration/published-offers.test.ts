import { bearer, createPartner, operator, type TestPartner } from '../support/partners';
import { eventually, type TestStack } from '../support/stack';
import * as flows from '../support/flows';
import { useStackWithPartner } from '../support/use-stack';

/**
 * A published offer reaches anyone with its link (SPEC section 5): a company that
 * is not the partner's customer becomes one through it — a new tenant, or a
 * customer of the same cloud with its token — and buys at once, without a trial.
 */
let stack: TestStack;
let p: TestPartner;
useStackWithPartner((s, partner) => {
  stack = s;
  p = partner;
});

const asPartner = (partner = p) => bearer(partner.admin.token);
const publish = (partner = p, extra: Record<string, unknown> = {}) =>
  flows.sendOffer(stack, partner, [], [{ sku: 'BUS-STD', licenses: 4 }], { published: true, delegatedAdmin: { durationDays: 90 }, ...extra });
const accept = (code: string, body: Record<string, unknown>) => stack.http('POST', `/v1/links/${code}/accept`, body);

describe('a published offer taken by someone not yet the partner’s customer', () => {
  it('a new company describes itself: it becomes the partner’s customer, buys, and gets its token once', async () => {
    const offer = await publish();
    const company = flows.newCustomer();
    const bought = await accept(offer.code, { customer: company, licenses: { 'BUS-STD': 6 }, acceptDelegatedAdmin: true });
    expect(bought.status).toBe(201);
    expect(bought.body).toMatchObject({
      customer: { name: company.name, domain: company.domain },
      subscriptions: [{ sku: 'BUS-STD', licenses: 6, convertedTrial: false }],
      delegatedAdmin: { status: 'active' },
    });
    expect(bought.body.token).toMatch(/^ofc\./);
    const customerId = bought.body.customer.id as string;

    // the token works, and shows the subscription it bought
    const own = await stack.http('GET', '/v1/customer/subscriptions', undefined, bearer(bought.body.token));
    expect(own.status).toBe(200);
    const subscriptionId = bought.body.subscriptions[0].subscriptionId;
    await eventually(
      async () =>
        (await stack.http('GET', '/v1/customer/subscriptions', undefined, bearer(bought.body.token))).body.some(
          (s: any) => s.id === subscriptionId && s.status === 'active',
        ),
      20_000,
      'the subscription listed for the customer',
    );
    // the partner has a customer: listed, with its way there (no trial) and the offer accepted
    await eventually(async () => (await stack.http('GET', `/v1/customers/${customerId}`, undefined, asPartner())).body.status === 'active', 20_000, 'listed');
    const timeline = await eventually(
      async () => {
        const t = await stack.http('GET', `/v1/customers/${customerId}/timeline`, undefined, asPartner());
        const stages = (t.body as Array<{ stage: string }>).map((e) => e.stage);
        return stages.includes('onboarded') && stages;
      },
      20_000,
      'onboarded',
    );
    expect(timeline).toEqual(expect.arrayContaining(['offer-sent', 'purchased', 'onboarded']));
    expect(timeline).not.toContain('trial-active');
    const seen = await stack.http('GET', `/v1/offers/${offer.id}`, undefined, asPartner());
    expect(seen.body.recipients).toEqual([expect.objectContaining({ customerId, status: 'accepted' })]);
    expect((await stack.http('GET', `/v1/links/${offer.code}`, undefined, bearer(bought.body.token))).body.status).toBe('accepted');
    // the purchase e-mail went to the contact it gave; no offer e-mail (it was on the page)
    await eventually(
      async () => (await stack.models.OutboxMessage.countDocuments({ customerId, to: company.contact.email, kind: `purchased-${offer.id}` })) === 1,
      20_000,
      'the purchase e-mail',
    );
    expect(await stack.models.OutboxMessage.countDocuments({ customerId, kind: 'offer-sent' })).toBe(0);
    // and in the partner's audit log, by the customer it became
    const audited = await eventually(
      async () => {
        const found = await stack.models.AuditEvent.find({ partnerId: p.id, 'target.id': offer.id }).sort({ _id: 1 }).lean();
        return found.length >= 2 && found;
      },
      20_000,
      'the acceptance audited',
    );
    expect(audited.map((e) => [e.action, e.actor])).toEqual([
      ['offer.sent', { kind: 'customer', id: customerId }],
      ['offer.accepted', { kind: 'customer', id: customerId }],
    ]);
  });

  it('a company whose domain is taken already is told to answer with its token (a retry that lost its answer: lost-answers.test.ts)', async () => {
    const offer = await publish();
    const company = flows.newCustomer();
    expect((await accept(offer.code, { customer: company })).status).toBe(201);
    const tokens = await stack.models.CustomerToken.countDocuments({});
    const other = await accept(offer.code, { customer: company });
    expect(other.status).toBe(409);
    expect(other.body.type).toBe('/problems/customer-exists');
    expect(other.text).not.toContain('ofc.');
    expect(await stack.models.CustomerToken.countDocuments({})).toBe(tokens);
    expect(await stack.models.Customer.countDocuments({ domain: company.domain })).toBe(1);
  });

  it('a customer of another partner in the same cloud joins with its token (no new tenant, no token); one of another cloud is refused', async () => {
    const offer = await publish();
    const elsewhere = await flows.trialCustomer(stack, await createPartner(stack));
    const joined = await flows.acceptOffer(stack, offer.code, elsewhere.token);
    expect(joined.status).toBe(201);
    expect(joined.body).toMatchObject({ customer: { id: elsewhere.id }, subscriptions: [{ sku: 'BUS-STD', licenses: 4, convertedTrial: false }] });
    expect(joined.body.token).toBeUndefined();
    await eventually(async () => (await stack.http('GET', `/v1/customers/${elsewhere.id}`, undefined, asPartner())).status === 200, 20_000, 'listed');
    // its trial with the other partner goes on
    expect((await stack.models.Subscription.findById(elsewhere.subscriptionId).lean())?.status).toBe('trial');

    const sovereign = await flows.trialCustomer(stack, await createPartner(stack, { cloud: 'sovereign' }), { sku: 'SEC-DEFEND' });
    const refused = await flows.acceptOffer(stack, offer.code, sovereign.token);
    expect(refused.status).toBe(409);
    expect(refused.body.type).toBe('/problems/cloud-mismatch');
    expect((await stack.http('GET', `/v1/customers/${sovereign.id}`, undefined, asPartner())).status).toBe(404);
    const seen = await stack.http('GET', `/v1/offers/${offer.id}`, undefined, asPartner());
    expect(seen.body.recipients.map((r: any) => r.customerId)).toEqual([elsewhere.id]);
  });

  it('refused before anything is made: a revoked or expired offer, one sent only to named customers, a partner no longer subscription advisor', async () => {
    const tried = async (code: string) => {
      const company = flows.newCustomer();
      const tokens = await stack.models.CustomerToken.countDocuments({});
      const res = await accept(code, { customer: company });
      expect(await stack.models.CustomerDomain.countDocuments({ _id: company.domain })).toBe(0);
      expect(await stack.models.CustomerToken.countDocuments({})).toBe(tokens); // none issued, or withdrawn again
      return res;
    };
    const revoked = await publish();
    expect((await stack.http('POST', `/v1/offers/${revoked.id}/revoke`, undefined, asPartner())).status).toBe(200);
    const r1 = await tried(revoked.code);
    expect([r1.status, r1.body.type, r1.body.offerStatus]).toEqual([409, '/problems/offer-not-open', 'revoked']);

    const expiring = await publish(p, { expiresInSeconds: 1 });
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    const r2 = await tried(expiring.code);
    expect([r2.status, r2.body.type, r2.body.offerStatus]).toEqual([409, '/problems/offer-not-open', 'expired']);

    const named = await flows.trialCustomer(stack, p);
    const sentOnly = await flows.sendOffer(stack, p, [named.id]);
    const r3 = await tried(sentOnly.code);
    expect(r3.status).toBe(400);
    expect(r3.body.errors[0].path).toBe('customer');
    expect((await accept(sentOnly.code, {})).status).toBe(401);

    const q = await createPartner(stack);
    const withdrawnOffer = await publish(q, { delegatedAdmin: undefined });
    expect((await stack.http('DELETE', `/v1/operator/partners/${q.id}/authorisations/subscription-advisor`, undefined, operator)).status).toBeLessThan(300);
    const r4 = await tried(withdrawnOffer.code);
    expect([r4.status, r4.body.type]).toEqual([409, '/problems/partner-not-authorised']);
  });
});
