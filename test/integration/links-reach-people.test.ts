import { bearer, createPartner, type TestPartner } from '../support/partners';
import { eventually, type TestStack } from '../support/stack';
import * as flows from '../support/flows';
import { useStackWithPartner } from '../support/use-stack';

let stack: TestStack;
let p: TestPartner;
useStackWithPartner((s, partner) => {
  stack = s;
  p = partner;
});

const asPartner = (partner = p) => bearer(partner.admin.token);
const outbox = (filter: Record<string, unknown>) => stack.models.OutboxMessage.find(filter).sort({ _id: 1 }).lean();
const linkIn = (text: string) => /https?:\/\/\S+\/[iod]\/[A-Za-z0-9_-]{32}/.exec(text)?.[0];
const view = (code: string, token?: string) => stack.http('GET', `/v1/links/${code}`, undefined, token ? bearer(token) : {});

describe('links reach people the way the SPEC says', () => {
  it('an invitation is e-mailed to its recipients, once per address however often asked, and counts them as invited', async () => {
    const a = `ann-${Date.now()}@fabrikam.example`;
    const b = `bob-${Date.now()}@fabrikam.example`;
    const inv = await flows.invite(stack, p, { recipients: [a, b.toUpperCase()] });
    const mails = await eventually(async () => {
      const found = await outbox({ kind: 'invitation', partnerId: p.id, to: { $in: [a, b] } });
      return found.length === 2 && found;
    });
    for (const m of mails) expect(linkIn(m.text)).toBe(inv.body.url);
    expect(mails.map((m) => m.to).sort()).toEqual([a, b].sort()); // addresses as one, lower case

    // more later: a new address gets one, an address already invited none
    const c = `cy-${Date.now()}@fabrikam.example`;
    const more = await stack.http('POST', `/v1/invitations/${inv.id}/recipients`, { recipients: [c, a] }, asPartner());
    expect(more.status).toBe(200);
    expect(more.body.invited).toBe(4); // e-mails asked for (the repeated address is sent nothing new)
    expect(await outbox({ kind: 'invitation', to: a })).toHaveLength(1);
    expect(await outbox({ kind: 'invitation', to: c })).toHaveLength(1);
    const funnel = await stack.http('GET', '/v1/funnel', undefined, asPartner());
    expect(funnel.body.steps[0]).toMatchObject({ step: 'invited', count: 3 });

    // refused once the invitation is revoked; bad addresses are a 400
    expect((await stack.http('POST', `/v1/invitations/${inv.id}/revoke`, undefined, asPartner())).status).toBe(200);
    const late = await stack.http('POST', `/v1/invitations/${inv.id}/recipients`, { recipients: ['dee@fabrikam.example'] }, asPartner());
    expect(late.body.type).toBe('/problems/invitation-not-active');
    const bad = await stack.http('POST', `/v1/invitations`, { sku: 'BUS-STD', recipients: ['not-an-address'] }, asPartner());
    expect(bad.status).toBe(400);
    // another partner cannot send someone else's invitation
    const other = await createPartner(stack);
    expect((await stack.http('POST', `/v1/invitations/${inv.id}/recipients`, { recipients: [c] }, asPartner(other))).status).toBe(404);
  });

  it('a published offer may be accepted by any customer onboarding with the partner; its view says where it stands for each', async () => {
    const named = await flows.trialCustomer(stack, p);
    const walkIn = await flows.trialCustomer(stack, p);
    const published = await flows.sendOffer(stack, p, [named.id], [{ sku: 'BUS-STD', licenses: 4 }], { published: true });
    expect(published.body.published).toBe(true);
    expect((await view(published.code)).body).toMatchObject({ kind: 'purchase-offer', status: 'open', published: true, billingPeriodDays: 30 });

    // not named in it, onboarding with the partner: may buy it
    const bought = await flows.acceptOffer(stack, published.code, walkIn.token, { licenses: { 'BUS-STD': 6 } });
    expect(bought.status).toBe(201);
    expect(bought.body.subscriptions).toEqual([expect.objectContaining({ sku: 'BUS-STD', licenses: 6, convertedTrial: true })]);
    expect((await view(published.code, walkIn.token)).body.status).toBe('accepted');
    expect((await view(published.code, named.token)).body.status).toBe('open');
    expect((await view(published.code)).body.status).toBe('open'); // still open for the others
    // (anyone else joins the partner through it: published-offers.test.ts)

    // with no customer named, only published
    const onlyPublished = await stack.http('POST', '/v1/offers', { items: [{ sku: 'BUS-STD', licenses: 3 }] }, asPartner());
    expect(onlyPublished.status).toBe(400);
    expect(onlyPublished.body.errors[0].path).toBe('customerIds');
  });

  it('an offer sent to one customer and superseded says so in its view, before anyone tries to accept it', async () => {
    const c = await flows.trialCustomer(stack, p);
    const older = await flows.sendOffer(stack, p, [c.id], [{ sku: 'BUS-STD', licenses: 5 }]);
    await flows.sendOffer(stack, p, [c.id], [{ sku: 'BUS-STD', licenses: 8 }]);
    await eventually(async () => (await view(older.code, c.token)).body.status === 'superseded', 20_000, 'the older offer superseded');
    expect((await view(older.code)).body.status).toBe('superseded');
  });

  it('a delegated-admin request carries a link: the e-mail has it, its view says what is asked, its customer answers there', async () => {
    const c = await flows.trialCustomer(stack, p);
    const asked = await stack.http('POST', `/v1/customers/${c.id}/delegated-admin`, { durationDays: 90, role: 'limited' }, asPartner());
    expect(asked.status).toBe(201);
    const mail = await eventually(async () => (await outbox({ customerId: c.id, kind: 'delegated-admin-requested' }))[0]);
    const url = linkIn(mail.text)!;
    expect(url).toMatch(new RegExp(`^${stack.baseUrl}/d/`));
    const code = flows.linkCode(url);
    const seen = await view(code);
    expect(seen.body).toMatchObject({
      kind: 'delegated-admin',
      status: 'approval-pending',
      customer: { id: c.id },
      delegatedAdmin: { role: 'limited', durationDays: 90, autoExtend: false },
    });
    expect(Date.parse(seen.body.lapsesAt) - Date.parse(seen.body.requestedAt)).toBe(90 * 86_400_000);

    // answering needs the token of the customer asked
    expect((await stack.http('POST', `/v1/links/${code}/accept`, {})).status).toBe(401);
    const stranger = await flows.trialCustomer(stack, p);
    expect((await stack.http('POST', `/v1/links/${code}/accept`, {}, bearer(stranger.token))).status).toBe(404);
    const accepted = await stack.http('POST', `/v1/links/${code}/accept`, {}, bearer(c.token));
    expect(accepted.status).toBe(201);
    expect(accepted.body.delegatedAdmin).toEqual({ relationshipId: asked.body.id, status: 'active' });
    expect((await view(code)).body.status).toBe('active');
    const twice = await stack.http('POST', `/v1/links/${code}/decline`, {}, bearer(c.token));
    expect(twice.body.type).toBe('/problems/relationship-not-pending');
  });
});
