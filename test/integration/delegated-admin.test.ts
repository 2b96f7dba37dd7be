import { addUser, bearer, createPartner, type TestPartner } from '../support/partners';
import { eventually, type TestStack } from '../support/stack';
import { acceptOffer, linkCode, newCustomer, sendOffer, trialCustomer } from '../support/flows';
import { useStackWithPartner } from '../support/use-stack';

let stack: TestStack;
let p: TestPartner;
useStackWithPartner((s, partner) => {
  stack = s;
  p = partner;
});

const asPartner = () => bearer(p.admin.token);

/** A customer of `partner` that bought BUS-STD (so there is a subscription to administer). */
async function customerOf(partner: TestPartner, invitationExtra: Record<string, unknown> = {}, acceptExtra: Record<string, unknown> = {}) {
  const c = await trialCustomer(stack, partner, invitationExtra, acceptExtra);
  const offer = await sendOffer(stack, partner, [c.id], [{ sku: 'BUS-STD', licenses: 10 }]);
  expect((await acceptOffer(stack, offer.code, c.token)).status).toBe(201);
  await eventually(async () => (await stack.models.Subscription.findById(c.subscriptionId).lean())?.status === 'active', 20_000, 'the subscription');
  return c;
}

const request = (customerId: string, body: Record<string, unknown> = {}, partner = p) =>
  stack.http('POST', `/v1/customers/${customerId}/delegated-admin`, body, bearer(partner.admin.token));
const relationship = async (id: string) => (await stack.models.Relationship.findById(id).lean())!;
const adjust = (customerId: string, subscriptionId: string, licenses: number, token = p.admin.token) =>
  stack.http('POST', `/v1/customers/${customerId}/subscriptions/${subscriptionId}/licenses`, { licenses }, bearer(token));

describe('delegated administration', () => {
  it('nothing is granted before acceptance; the customer may decline; a declined request can be asked again', async () => {
    const c = await customerOf(p);
    const asked = await request(c.id);
    expect(asked.status).toBe(201);
    expect(asked.body).toMatchObject({ status: 'approval-pending', partnerId: p.id, customerId: c.id, workflowId: `delegated-admin:${p.id}:${c.id}` });
    expect((await adjust(c.id, c.subscriptionId, 11)).body.type).toBe('/problems/delegated-admin-required');
    const again = await request(c.id); // one open request at a time
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({
      type: '/problems/delegated-admin-already-requested',
      relationshipId: asked.body.id,
      relationshipStatus: 'approval-pending',
    });

    const declined = await stack.http('POST', `/v1/customer/delegated-admin/${asked.body.id}/decline`, undefined, bearer(c.token));
    expect(declined.body.status).toBe('declined');
    expect((await stack.http('POST', `/v1/customer/delegated-admin/${asked.body.id}/accept`, undefined, bearer(c.token))).body.type).toBe(
      '/problems/relationship-not-pending',
    );
    const second = await request(c.id);
    expect(second.status).toBe(201);
    expect(second.body).toMatchObject({ status: 'approval-pending', workflowId: asked.body.workflowId }); // the next run of the same workflow id
    // an answer to the first relationship reaches the first, not the one running now under its workflow id
    const late = await stack.http('POST', `/v1/customer/delegated-admin/${asked.body.id}/terminate`, undefined, bearer(c.token));
    expect(late.body).toMatchObject({ type: '/problems/relationship-ended', relationshipStatus: 'declined' });
    expect((await relationship(second.body.id)).status).toBe('approval-pending');
    const accepted = await stack.http('POST', `/v1/customer/delegated-admin/${second.body.id}/accept`, undefined, bearer(c.token));
    expect(accepted.body).toMatchObject({ id: second.body.id, status: 'active' });
    // each relationship asked once, told once: its own e-mails and timeline
    const asking = await stack.models.OutboxMessage.find({ customerId: c.id, kind: 'delegated-admin-requested' }).lean();
    expect(asking).toHaveLength(4); // partner and customer, twice
    const requested = await stack.models.AuditEvent.find({ partnerId: p.id, action: 'delegated-admin.requested', 'target.id': c.id }).lean();
    expect(requested.map((e) => (JSON.parse(e.details) as { relationshipId: string }).relationshipId).sort()).toEqual([asked.body.id, second.body.id].sort());
  }, 60_000);

  it('racing requests for one customer: exactly one is asked, the others are told it is already requested', async () => {
    const c = await customerOf(p);
    const answers = await Promise.all(Array.from({ length: 8 }, () => request(c.id)));
    const asked = answers.filter((a) => a.status === 201);
    expect(asked).toHaveLength(1);
    for (const refused of answers.filter((a) => a.status !== 201)) {
      expect(refused.status).toBe(409);
      expect(refused.body).toMatchObject({ type: '/problems/delegated-admin-already-requested', relationshipId: asked[0]!.body.id });
    }
    expect(await stack.models.Relationship.countDocuments({ partnerId: p.id, customerId: c.id })).toBe(1);
    await eventually(
      async () => (await stack.models.OutboxMessage.countDocuments({ customerId: c.id, kind: 'delegated-admin-requested' })) === 2,
      10_000,
      'the request e-mailed to partner and customer',
    );
    await new Promise((r) => setTimeout(r, 500));
    expect(await stack.models.OutboxMessage.countDocuments({ customerId: c.id, kind: 'delegated-admin-requested' })).toBe(2);
  }, 60_000);

  it('a request neither accepted nor declined lapses', async () => {
    const c = await customerOf(p);
    const asked = await request(c.id, { approvalTimeoutSeconds: 1 });
    await eventually(async () => (await relationship(asked.body.id)).status === 'lapsed', 10_000, 'the request to lapse');
    expect((await stack.http('POST', `/v1/customer/delegated-admin/${asked.body.id}/accept`, undefined, bearer(c.token))).status).toBe(409);
  }, 60_000);

  it('active → expiring (notice to both) → expired, and the partner’s access ends with it', async () => {
    const c = await customerOf(p);
    // expiring 5 s after acceptance: room for a slow acceptance on a busy machine
    const asked = await request(c.id, { durationSeconds: 8, noticeSeconds: 3 });
    const active = await stack.http('POST', `/v1/customer/delegated-admin/${asked.body.id}/accept`, undefined, bearer(c.token));
    expect(active.body).toMatchObject({ status: 'active', endsAt: expect.any(String) });
    expect((await adjust(c.id, c.subscriptionId, 11)).status).toBe(200); // granted: full role acts in the customer
    await eventually(async () => (await relationship(asked.body.id)).status === 'expiring', 10_000, 'expiring');
    await eventually(async () => (await relationship(asked.body.id)).status === 'expired', 10_000, 'expired');
    expect((await adjust(c.id, c.subscriptionId, 12)).body.type).toBe('/problems/delegated-admin-required');
    const mails = await stack.models.OutboxMessage.find({ customerId: c.id, kind: 'delegated-admin-expiring' }).lean();
    expect(mails.map((m) => m.to).sort()).toHaveLength(2); // partner and customer
  }, 60_000);

  it('extends itself when asked to, and the customer can end it at any time', async () => {
    const c = await customerOf(p);
    const asked = await request(c.id, { durationSeconds: 2, noticeSeconds: 1, autoExtend: true, extensionSeconds: 60 });
    await stack.http('POST', `/v1/customer/delegated-admin/${asked.body.id}/accept`, undefined, bearer(c.token));
    const extended = await eventually(
      async () => {
        const r = await relationship(asked.body.id);
        return r.extensions === 1 && r.status === 'active' && r;
      },
      10_000,
      'the extension',
    );
    expect(Date.parse(extended.endsAt!) - Date.parse(extended.acceptedAt!)).toBeGreaterThanOrEqual(62_000);
    const ended = await stack.http('POST', `/v1/customer/delegated-admin/${asked.body.id}/terminate`, undefined, bearer(c.token));
    expect(ended.body).toMatchObject({ status: 'terminated', endedBy: 'customer' });
    expect((await adjust(c.id, c.subscriptionId, 11)).body.type).toBe('/problems/delegated-admin-required');
    expect((await stack.http('POST', `/v1/customer/delegated-admin/${asked.body.id}/terminate`, undefined, bearer(c.token))).body.type).toBe(
      '/problems/relationship-ended',
    );
  }, 60_000);

  it('asked with an offer: the purchase answers with the relationship, which the customer may accept at once', async () => {
    const inv = await stack.http('POST', '/v1/invitations', { sku: 'BUS-STD' }, asPartner());
    const accepted = await stack.http('POST', `/v1/links/${linkCode(inv.body.url)}/accept`, { customer: newCustomer() });
    const offer = await stack.http(
      'POST',
      '/v1/offers',
      { customerIds: [accepted.body.customer.id], items: [{ sku: 'BUS-STD', licenses: 10 }], delegatedAdmin: { durationDays: 30 } },
      asPartner(),
    );
    const bought = await stack.http('POST', `/v1/links/${linkCode(offer.body.url)}/accept`, {}, bearer(accepted.body.token));
    expect(bought.body.delegatedAdmin).toEqual({ relationshipId: expect.stringMatching(/^rel_/), status: 'approval-pending' });
    const { relationshipId } = bought.body.delegatedAdmin;
    // the customer's record says what its timeline says: bought, and waiting for the customer's answer
    const customerId: string = accepted.body.customer.id;
    const stageOf = async () => (await stack.http('GET', `/v1/customers/${customerId}`, undefined, asPartner())).body.stage as string;
    await eventually(async () => (await stageOf()) === 'awaiting-delegated-admin', 10_000, 'the customer listed as awaiting delegated admin');
    const timeline = await stack.http('GET', `/v1/customers/${customerId}/timeline`, undefined, asPartner());
    const onboarding = (timeline.body as Array<{ stage: string; workflowId: string }>).filter((t) => t.workflowId.startsWith('onboarding:'));
    expect(onboarding.at(-1)!.stage).toBe('awaiting-delegated-admin');
    // another customer cannot, even before the relationship's record is stored
    const stranger = await stack.http('POST', `/v1/links/${linkCode(inv.body.url)}/accept`, { customer: newCustomer() });
    expect((await stack.http('POST', `/v1/customer/delegated-admin/${relationshipId}/accept`, undefined, bearer(stranger.body.token))).status).toBe(404);
    const granted = await stack.http('POST', `/v1/customer/delegated-admin/${relationshipId}/accept`, undefined, bearer(accepted.body.token));
    expect(granted).toMatchObject({ status: 200, body: { id: relationshipId, status: 'active', customerId: accepted.body.customer.id } });
    await eventually(async () => (await stageOf()) === 'onboarded', 10_000, 'the customer listed as onboarded');
  });

  it('agreed together with a trial: active from the start', async () => {
    const c = await customerOf(p, { delegatedAdmin: { durationDays: 30 } }, { acceptDelegatedAdmin: true });
    const rs = await stack.http('GET', `/v1/customers/${c.id}/delegated-admin`, undefined, asPartner());
    expect(rs.body).toEqual([expect.objectContaining({ status: 'active' })]);
    expect((await adjust(c.id, c.subscriptionId, 11)).status).toBe(200);
  }, 60_000);

  it('refuses, with the reason: a partner not certified, a limited role, another customer’s relationship', async () => {
    const uncertified = await createPartner(stack, { authorisations: ['subscription-advisor'] });
    const c = await customerOf(uncertified);
    const refused = await request(c.id, {}, uncertified);
    expect(refused.status).toBe(403);
    expect(refused.body).toMatchObject({ type: '/problems/authorisation-required', detail: expect.stringContaining('delegated-admin certified') });
    expect((await stack.http('POST', '/v1/invitations', { sku: 'BUS-STD', delegatedAdmin: {} }, bearer(uncertified.admin.token))).status).toBe(403);
    expect(
      (
        await stack.http(
          'POST',
          '/v1/offers',
          { customerIds: [c.id], items: [{ sku: 'BUS-STD', licenses: 2 }], delegatedAdmin: {} },
          bearer(uncertified.admin.token),
        )
      ).status,
    ).toBe(403);

    const d = await customerOf(p, { delegatedAdmin: {} }, { acceptDelegatedAdmin: true });
    const limited = await addUser(stack, p, { customerRole: 'limited' });
    const byLimited = await adjust(d.id, d.subscriptionId, 11, limited.token);
    expect(byLimited.status).toBe(403);
    expect(byLimited.body.type).toBe('/problems/role-required');

    const mine = (await stack.http('GET', '/v1/customer/delegated-admin', undefined, bearer(d.token))).body[0].id;
    expect((await stack.http('POST', `/v1/customer/delegated-admin/${mine}/terminate`, undefined, bearer(c.token))).status).toBe(404);
  }, 60_000);
});
