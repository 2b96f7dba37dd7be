import { bearer, createPartner, type TestPartner } from '../support/partners';
import { eventually, type TestStack } from '../support/stack';
import { acceptInvitation, acceptOffer, invite, sendOffer, trialCustomer } from '../support/flows';
import { useStackWithPartner } from '../support/use-stack';

let stack: TestStack;
let global: TestPartner;
useStackWithPartner((s, partner) => {
  stack = s;
  global = partner;
});

const as = (partner: TestPartner) => bearer(partner.admin.token);

/**
 * A partner of the sovereign cloud runs the whole chain with its cloud's catalog and prices,
 * and at every step nothing crosses clouds, either way: the global partner (and a global
 * customer) reach none of the sovereign objects, and the sovereign side none of the global ones.
 */
describe('the sovereign cloud, end to end', () => {
  it('invitation, trial, offer, purchase, delegated admin, customer users, service requests: in its own cloud, and nothing crosses', async () => {
    const sovereign = await createPartner(stack, { cloud: 'sovereign' });
    const crossing = await trialCustomer(stack, global); // a global customer, for the other direction
    const globalInv = await invite(stack, global);

    // invitation: its cloud's SKU only; the other cloud's partner does not see it
    expect((await stack.http('POST', '/v1/invitations', { sku: 'BUS-PREM' }, as(sovereign))).body.type).toBe('/problems/sku-not-available');
    expect((await stack.http('POST', '/v1/invitations', { sku: 'SEC-DEFEND' }, as(global))).body.type).toBe('/problems/sku-not-available');
    const inv = await invite(stack, sovereign, { sku: 'SEC-DEFEND' });
    expect((await stack.http('GET', `/v1/invitations/${inv.id}`, undefined, as(global))).status).toBe(404);
    expect((await stack.http('GET', `/v1/invitations/${globalInv.id}`, undefined, as(sovereign))).status).toBe(404);
    const view = await stack.http('GET', `/v1/links/${inv.code}`);
    expect(view.body.partner.name).toBe((await stack.http('GET', '/v1/partner', undefined, as(sovereign))).body.profile.name);

    // trial: a new sovereign tenant; a global customer cannot take it, nor the sovereign one a global link
    const refused = await stack.http('POST', `/v1/links/${inv.code}/accept`, {}, bearer(crossing.token));
    expect(refused.body.type).toBe('/problems/cloud-mismatch');
    const c = await acceptInvitation(stack, inv.code);
    expect((await stack.http('GET', '/v1/customer', undefined, bearer(c.token))).body.cloud).toBe('sovereign');
    expect((await stack.http('POST', `/v1/links/${globalInv.code}/accept`, {}, bearer(c.token))).body.type).toBe('/problems/cloud-mismatch');
    await eventually(async () => (await stack.http('GET', `/v1/customers/${c.id}`, undefined, as(sovereign))).status === 200, 20_000, 'listed');
    for (const path of [`/v1/customers/${c.id}`, `/v1/customers/${c.id}/timeline`, `/v1/customers/${c.id}/subscriptions`, `/v1/customers/${c.id}/summary`]) {
      expect({ path, status: (await stack.http('GET', path, undefined, as(global))).status }).toEqual({ path, status: 404 });
    }
    expect((await stack.http('GET', `/v1/customers/${crossing.id}`, undefined, as(sovereign))).status).toBe(404);

    // offer and purchase, at the sovereign prices (CNY)
    expect((await stack.http('POST', '/v1/offers', { customerIds: [c.id], items: [{ sku: 'BUS-STD', licenses: 3 }] }, as(global))).status).toBe(404);
    const offer = await sendOffer(
      stack,
      sovereign,
      [c.id],
      [
        { sku: 'SEC-DEFEND', licenses: 30 },
        { sku: 'BUS-STD', licenses: 10 },
      ],
    );
    const offerView = await stack.http('GET', `/v1/links/${offer.code}`, undefined, bearer(c.token));
    expect(offerView.body.items.map((i: { monthlyPricePerLicense: { currency: string } }) => i.monthlyPricePerLicense.currency)).toEqual(['CNY', 'CNY']);
    expect((await acceptOffer(stack, offer.code, crossing.token)).status).toBe(404); // not sent to it, and another cloud's
    expect((await acceptOffer(stack, offer.code, c.token)).status).toBe(201);
    await eventually(
      async () => (await stack.models.Subscription.find({ customerId: c.id, status: 'active' }).lean()).length === 2,
      30_000,
      'both subscriptions active',
    );

    // delegated administration, asked by its own partner only
    expect((await stack.http('POST', `/v1/customers/${c.id}/delegated-admin`, {}, as(global))).status).toBe(404);
    const asked = await stack.http('POST', `/v1/customers/${c.id}/delegated-admin`, {}, as(sovereign));
    expect(asked.status).toBe(201);
    expect((await stack.http('POST', `/v1/customer/delegated-admin/${asked.body.id}/accept`, undefined, bearer(crossing.token))).status).toBe(404);
    expect((await stack.http('POST', `/v1/customer/delegated-admin/${asked.body.id}/accept`, undefined, bearer(c.token))).status).toBe(200);

    // customer users and a password reset, under it
    const user = await stack.http(
      'POST',
      `/v1/customers/${c.id}/users`,
      { email: 'li.wei@tenant.example', displayName: 'Li Wei', skus: ['SEC-DEFEND'] },
      as(sovereign),
    );
    expect(user.status).toBe(201);
    expect((await stack.http('POST', `/v1/customers/${c.id}/users`, { email: 'x@tenant.example', displayName: 'X' }, as(global))).status).toBe(404);
    expect((await stack.http('POST', `/v1/customers/${c.id}/users/${user.body.id}/password-reset`, undefined, as(global))).status).toBe(404);
    expect((await stack.http('POST', `/v1/customers/${c.id}/users/${user.body.id}/password-reset`, undefined, as(sovereign))).status).toBe(200);
    expect((await stack.http('GET', `/v1/customer/users/${user.body.id}`, undefined, bearer(crossing.token))).status).toBe(404);

    // service requests, both sides
    const opened = await stack.http(
      'POST',
      `/v1/customers/${c.id}/service-requests`,
      { title: '无法登录', description: 'Users cannot sign in since this morning.', severity: 'critical' },
      as(sovereign),
    );
    expect(opened.status).toBe(201);
    expect((await stack.http('GET', `/v1/service-requests/${opened.body.id}`, undefined, as(global))).status).toBe(404);
    expect((await stack.http('POST', `/v1/service-requests/${opened.body.id}/notes`, { text: 'Looking.' }, as(global))).status).toBe(404);
    expect((await stack.http('GET', `/v1/customer/service-requests/${opened.body.id}`, undefined, bearer(crossing.token))).status).toBe(404);
    const noted = await stack.http('POST', `/v1/customer/service-requests/${opened.body.id}/notes`, { text: 'Still failing.' }, bearer(c.token));
    expect(noted.status).toBe(200);

    // each partner's lists hold only its own cloud's
    const lists = ['/v1/customers', '/v1/invitations', '/v1/offers', '/v1/service-requests', '/v1/audit-events', '/v1/outbox'];
    for (const path of lists) {
      const theirs = await stack.http('GET', path, undefined, as(global));
      expect({ path, leaks: [c.id, inv.id, offer.id, opened.body.id].filter((id) => theirs.text.includes(id)) }).toEqual({ path, leaks: [] });
      const ours = await stack.http('GET', path, undefined, as(sovereign));
      expect({ path, leaks: [crossing.id, globalInv.id].filter((id) => ours.text.includes(id)) }).toEqual({ path, leaks: [] });
    }
  }, 180_000);
});
