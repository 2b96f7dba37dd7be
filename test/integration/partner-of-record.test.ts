import { randomUUID } from 'node:crypto';
import { fakeProductKey } from '../../bench/fake-customers';
import { addUser, bearer, createPartner, type TestPartner } from '../support/partners';
import { eventually, type TestStack } from '../support/stack';
import * as flows from '../support/flows';
import { useStackWithPartner } from '../support/use-stack';

/**
 * A subscription's partner of record (issue 15): the customer asks another partner of its cloud to
 * take it over, which that partner accepts (from then on it hears of every change, by e-mail and
 * event), declines or lets lapse; or removes it. Real servers: API, worker, Temporal, FerretDB.
 */
let stack: TestStack;
let p: TestPartner;
let q: TestPartner;
useStackWithPartner((s, partner) => {
  stack = s;
  p = partner;
});
beforeAll(async () => {
  q = await createPartner(stack);
});

interface Bought {
  customerId: string;
  token: string;
  subscriptionId: string;
}
/** A new customer of `p` with an active subscription (a product key redeemed for it). */
async function bought(): Promise<Bought> {
  const key = fakeProductKey();
  const reg = await stack.http('POST', '/v1/product-keys/registrations', { sku: 'BUS-STD', licenses: 5, keys: [key] }, bearer(p.admin.token));
  flows.expectStatus(reg, 202, 'registering a key');
  await stack.client.workflow.getHandle(`product-key-registration:${reg.body.id}`).result();
  const res = await stack.http('POST', `/v1/product-keys/${key}/redemption`, { customer: flows.newCustomer() }, bearer(p.admin.token));
  flows.expectStatus(res, 201, 'redeeming a key');
  const subscriptionId = res.body.subscription.subscriptionId as string;
  await eventually(async () => (await stack.models.Subscription.findById(subscriptionId).lean())?.status === 'active', 20_000, 'the subscription active');
  return { customerId: res.body.customer.id, token: res.body.token, subscriptionId };
}

const ask = (c: Bought, partnerId: string, extra: Record<string, unknown> = {}, headers: Record<string, string> = {}) =>
  stack.http(
    'POST',
    `/v1/customer/subscriptions/${c.subscriptionId}/partner-of-record/change-requests`,
    { partnerId, ...extra },
    { ...bearer(c.token), ...headers },
  );
const answer = (requestId: string, accept: boolean, partner = q) =>
  stack.http('POST', `/v1/partner-of-record-requests/${requestId}/${accept ? 'acceptance' : 'declination'}`, undefined, bearer(partner.admin.token));
const changeLicenses = (c: Bought, licenses: number) =>
  stack.http('POST', `/v1/customer/subscriptions/${c.subscriptionId}/licenses`, { licenses }, bearer(c.token));
const mailsTo = async (partner: TestPartner, c: Bought) =>
  (await stack.models.OutboxMessage.find({ partnerId: partner.id, customerId: c.customerId }).sort({ _id: 1 }).lean()).map((m) => m.kind);
const eventsOf = async (partner: TestPartner, c: Bought) =>
  (await stack.models.Event.find({ partnerId: partner.id, 'subject.id': c.subscriptionId }).sort({ _id: 1 }).lean()).map((e) => {
    const data = JSON.parse(e.data) as Record<string, unknown>;
    return `${e.type}${data.change ? `:${String(data.change)}` : ''}`;
  });
const subscriptionAs = (partner: TestPartner, c: Bought) => stack.http('GET', `/v1/subscriptions/${c.subscriptionId}`, undefined, bearer(partner.admin.token));

describe('changing the partner of record', () => {
  it('accepted: the asked partner sees the request, accepts it, reads the subscription and hears of every change from then on; the old one is told', async () => {
    const c = await bought();
    expect((await subscriptionAs(q, c)).status).toBe(404); // not yet its
    const asked = await ask(c, q.id);
    expect(asked.status).toBe(201);
    expect(asked.body).toMatchObject({ subscriptionId: c.subscriptionId, customerId: c.customerId, fromPartnerId: p.id, toPartnerId: q.id, status: 'pending' });
    const requestId = asked.body.id as string;
    // the asked partner is e-mailed and sees it; the customer's partner does not
    expect(await mailsTo(q, c)).toEqual(['partner-of-record-requested']);
    const listed = await stack.http('GET', '/v1/partner-of-record-requests?status=pending', undefined, bearer(q.admin.token));
    expect(listed.body).toEqual([expect.objectContaining({ id: requestId, status: 'pending' })]);
    expect((await stack.http('GET', `/v1/partner-of-record-requests/${requestId}`, undefined, bearer(p.admin.token))).status).toBe(404);
    // a second request while it waits
    const again = await ask(c, q.id);
    expect(again.status).toBe(409);
    expect(again.body.type).toBe('/problems/partner-of-record-change-pending');

    const accepted = await answer(requestId, true);
    expect(accepted.status).toBe(200);
    expect(accepted.body).toMatchObject({ id: requestId, status: 'accepted', answeredAt: expect.any(String) });
    const sub = await subscriptionAs(q, c);
    expect(sub.status).toBe(200);
    expect(sub.body).toMatchObject({ id: c.subscriptionId, partnerId: p.id, partnerOfRecordId: q.id });
    expect((await subscriptionAs(p, c)).status).toBe(200); // the partner that sold it still reads it
    const own = await stack.http('GET', '/v1/customer/subscriptions', undefined, bearer(c.token));
    expect(own.body).toEqual([expect.objectContaining({ id: c.subscriptionId, partnerOfRecordId: q.id })]);
    // both told (e-mail), both hear the change (event); the timeline and the audit log have it
    expect(await mailsTo(p, c)).toContain('partner-of-record-changed');
    expect(await mailsTo(q, c)).toEqual(['partner-of-record-requested', 'partner-of-record-changed']);
    await eventually(
      async () => (await eventsOf(p, c)).includes('subscription.changed:partner-of-record') && (await eventsOf(q, c)).length > 0,
      20_000,
      'the events',
    );
    expect(await eventsOf(q, c)).toEqual(['subscription.changed:partner-of-record']);
    expect((await stack.models.TimelineEvent.find({ customerId: c.customerId, stage: 'partner-of-record-changed' }).lean()).length).toBe(1);
    const audited = await stack.models.AuditEvent.find({ customerId: c.customerId, action: /partner-of-record/ }).lean();
    expect(audited.map((a) => [a.action, a.partnerId]).sort()).toEqual(
      [
        ['partner-of-record-request.accepted', q.id],
        ['subscription.partner-of-record-change-requested', q.id],
        ['subscription.partner-of-record-changed', p.id],
      ].sort(),
    );

    // later changes: the new partner of record only
    const before = { mails: (await mailsTo(p, c)).length, events: (await eventsOf(p, c)).length };
    expect((await changeLicenses(c, 8)).status).toBe(200);
    await eventually(async () => (await eventsOf(q, c)).includes('subscription.changed:licenses'), 20_000, 'the license event');
    expect(await mailsTo(q, c)).toContain('subscription-changed');
    expect((await mailsTo(p, c)).length).toBe(before.mails);
    expect((await eventsOf(p, c)).length).toBe(before.events);
    // and it is the partner of record now: asking it again is refused
    const same = await ask(c, q.id);
    expect(same.status).toBe(409);
    expect(same.body.type).toBe('/problems/partner-of-record-unchanged');
  });

  it('declined: nothing changes; the partner of record still hears the changes', async () => {
    const c = await bought();
    const asked = await ask(c, q.id);
    const declined = await answer(asked.body.id, false);
    expect(declined.status).toBe(200);
    expect(declined.body.status).toBe('declined');
    expect((await subscriptionAs(p, c)).body.partnerOfRecordId).toBe(p.id);
    expect((await subscriptionAs(q, c)).status).toBe(404);
    const late = await answer(asked.body.id, true);
    expect(late.status).toBe(409);
    expect(late.body.type).toBe('/problems/partner-of-record-request-not-pending');
    expect((await changeLicenses(c, 7)).status).toBe(200);
    await eventually(async () => (await eventsOf(p, c)).includes('subscription.changed:licenses'), 20_000, 'the license event');
    expect(await eventsOf(q, c)).toEqual([]);
    expect(await mailsTo(q, c)).toEqual(['partner-of-record-requested']);
  });

  it('lapses unanswered after its time (a duration given with the request): nothing changes, no answer taken', async () => {
    const c = await bought();
    const asked = await ask(c, q.id, { answerWithinSeconds: 2 });
    expect(asked.status).toBe(201);
    await eventually(async () => (await stack.models.PartnerOfRecordRequest.findById(asked.body.id).lean())?.status === 'lapsed', 20_000, 'the lapse');
    // (stored first, then the asked partner told)
    await eventually(async () => (await mailsTo(q, c)).length === 2, 20_000, 'the lapse e-mailed');
    expect(await mailsTo(q, c)).toEqual(['partner-of-record-requested', 'partner-of-record-request-lapsed']);
    const late = await answer(asked.body.id, true);
    expect(late.status).toBe(409);
    expect(late.body.type).toBe('/problems/partner-of-record-request-not-pending');
    expect((await subscriptionAs(p, c)).body.partnerOfRecordId).toBe(p.id);
  });

  it('another partner cannot see or answer a request not addressed to it', async () => {
    const c = await bought();
    const asked = await ask(c, q.id);
    const intruder = await createPartner(stack);
    for (const accept of [true, false]) {
      const res = await answer(asked.body.id, accept, intruder);
      expect(res.status).toBe(404);
    }
    expect((await stack.http('GET', '/v1/partner-of-record-requests', undefined, bearer(intruder.admin.token))).body).toEqual([]);
    // a user without the role (no company role) of the asked partner is refused by the policy
    const plain = await addUser(stack, q, { companyRole: 'none', customerRole: 'full' });
    const refused = await stack.http('POST', `/v1/partner-of-record-requests/${asked.body.id}/acceptance`, undefined, bearer(plain.token));
    expect(refused.status).toBe(403);
    expect(refused.body.type).toBe('/problems/role-required');
    expect((await stack.models.PartnerOfRecordRequest.findById(asked.body.id).lean())?.status).toBe('pending');
  });

  it('refuses another cloud, an unknown partner and one that is not a subscription advisor', async () => {
    const c = await bought();
    const sovereign = await createPartner(stack, { cloud: 'sovereign' });
    const otherCloud = await ask(c, sovereign.id);
    expect(otherCloud.status).toBe(409);
    expect(otherCloud.body.type).toBe('/problems/cloud-mismatch');
    const unknown = await ask(c, 'par_nobody');
    expect(unknown.status).toBe(422);
    expect(unknown.body.type).toBe('/problems/partner-not-found');
    const notAdvisor = await createPartner(stack, { authorisations: ['delegated-admin-certified'] });
    const refused = await ask(c, notAdvisor.id);
    expect(refused.status).toBe(422);
    expect(refused.body.type).toBe('/problems/partner-not-subscription-advisor');
    const same = await ask(c, p.id);
    expect(same.status).toBe(409);
    expect(same.body.type).toBe('/problems/partner-of-record-unchanged');
    expect(await stack.models.PartnerOfRecordRequest.countDocuments({ subscriptionId: c.subscriptionId })).toBe(0);
  });

  it('an ask retried with the same Idempotency-Key is one request: one record, one e-mail', async () => {
    const c = await bought();
    const key = { 'idempotency-key': randomUUID() };
    const first = await ask(c, q.id, {}, key);
    const second = await ask(c, q.id, {}, key);
    expect(first.status).toBe(201);
    expect(second.status).toBe(201);
    expect(second.body.id).toBe(first.body.id);
    expect(second.headers.get('idempotent-replayed')).toBe('true');
    expect(await stack.models.PartnerOfRecordRequest.countDocuments({ subscriptionId: c.subscriptionId })).toBe(1);
    expect(await mailsTo(q, c)).toEqual(['partner-of-record-requested']);
    // the same answer retried with its key too
    const answerKey = { ...bearer(q.admin.token), 'idempotency-key': randomUUID() };
    const a1 = await stack.http('POST', `/v1/partner-of-record-requests/${first.body.id}/acceptance`, undefined, answerKey);
    const a2 = await stack.http('POST', `/v1/partner-of-record-requests/${first.body.id}/acceptance`, undefined, answerKey);
    expect([a1.status, a2.status]).toEqual([200, 200]);
    expect(await mailsTo(q, c)).toEqual(['partner-of-record-requested', 'partner-of-record-changed']);
  });
});

describe('removing the partner of record', () => {
  it('the old partner is told; from then on nobody hears of the changes', async () => {
    const c = await bought();
    const removed = await stack.http('DELETE', `/v1/customer/subscriptions/${c.subscriptionId}/partner-of-record`, undefined, bearer(c.token));
    expect(removed.status).toBe(200);
    expect(removed.body.partnerOfRecordId).toBeNull();
    expect(await mailsTo(p, c)).toContain('partner-of-record-changed');
    await eventually(async () => (await eventsOf(p, c)).includes('subscription.changed:partner-of-record'), 20_000, 'the removal event');
    const before = { mails: (await mailsTo(p, c)).length, events: (await eventsOf(p, c)).length };
    expect((await changeLicenses(c, 9)).status).toBe(200);
    await new Promise((r) => setTimeout(r, 1000));
    expect((await mailsTo(p, c)).length).toBe(before.mails);
    expect((await eventsOf(p, c)).length).toBe(before.events);
    expect(await stack.models.AuditEvent.countDocuments({ customerId: c.customerId, action: 'subscription.partner-of-record-removed' })).toBe(1);
    // a partner may be asked again
    const asked = await ask(c, q.id);
    expect(asked.status).toBe(201);
    expect(asked.body.fromPartnerId).toBeNull();
  });
});
