import { randomUUID } from 'node:crypto';
import { fakeProductKey } from '../../bench/fake-customers';
import { LEASE_MS } from '../../src/api/idempotency';
import { recordIdOf } from '../../src/idempotency/seal';
import { linkCode, newCustomer, sendOffer, trialCustomer } from '../support/flows';
import { answerFaults, type AnswerFaults } from '../support/lost-answers';
import { bearer, createPartner, type TestPartner } from '../support/partners';
import { eventually, startTestStack, type HttpResult, type TestStack } from '../support/stack';
import type { EventType } from '../../workflows/events/types';

/**
 * The answer to a change is lost after the change was made (Temporal unreachable on
 * the way back, the API dying right then): the caller retries with the same
 * Idempotency-Key and must meet that change — one of everything, the record of it
 * (audit entry, e-mail) written once, and the first result (a new customer's token
 * included) in the answer. The faults are injected deterministically at the API's
 * edge to Temporal (test/support/lost-answers.ts).
 */

let stack: TestStack;
let faults: AnswerFaults;
let p: TestPartner;
const UPDATE_WAIT_MS = 3000;

beforeAll(async () => {
  stack = await startTestStack({ apiTemporal: (client) => (faults = answerFaults(client)).client, updateWaitMs: UPDATE_WAIT_MS });
  p = await createPartner(stack);
});
afterAll(async () => {
  await stack?.stop();
});
afterEach(() => expect(faults.pending()).toBe(0));

const keyed = (headers: Record<string, string> = {}) => ({ ...headers, 'idempotency-key': randomUUID() });

function expectLost(res: HttpResult): void {
  expect({ status: res.status, type: res.body?.type }).toEqual({ status: 503, type: '/problems/dependency-unavailable' });
  expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
}

const audited = (action: string, targetId: string) => stack.models.AuditEvent.countDocuments({ action, 'target.id': targetId });
const mails = (customerId: string, kind: string) => stack.models.OutboxMessage.countDocuments({ customerId, kind });
const published = (type: EventType, subjectId: string) => stack.models.Event.countDocuments({ type, 'subject.id': subjectId });

describe('a retry after a lost answer meets the change the first attempt made', () => {
  it('creating an invitation: one invitation, one link, one audit entry', async () => {
    const headers = keyed(bearer(p.admin.token));
    const before = await stack.models.Invitation.countDocuments({ partnerId: p.id });
    faults.next('executeUpdateWithStart', { lose: true });
    expectLost(await stack.http('POST', '/v1/invitations', { sku: 'BUS-STD' }, headers));

    const again = await stack.http('POST', '/v1/invitations', { sku: 'BUS-STD' }, headers);
    expect(again.status).toBe(201);
    expect(await stack.models.Invitation.countDocuments({ partnerId: p.id })).toBe(before + 1);
    expect(await stack.models.LinkCode.countDocuments({ targetId: again.body.id })).toBe(1);
    expect((await stack.models.LinkCode.findOne({ targetId: again.body.id }).lean())?._id).toBe(linkCode(again.body.url));
    expect(await audited('invitation.created', again.body.id)).toBe(1);

    const replayed = await stack.http('POST', '/v1/invitations', { sku: 'BUS-STD' }, headers);
    expect(replayed.headers.get('idempotent-replayed')).toBe('true');
    expect(replayed.body).toEqual(again.body);
  });

  it('accepting an invitation as a new customer: one tenant, one trial, and the token in the answer to the retry only', async () => {
    const invitation = await stack.http('POST', '/v1/invitations', { sku: 'BUS-STD' }, bearer(p.admin.token));
    const code = linkCode(invitation.body.url);
    const customer = newCustomer();
    const headers = keyed();
    faults.next('executeUpdate', { lose: true });
    expectLost(await stack.http('POST', `/v1/links/${code}/accept`, { customer }, headers));

    const again = await stack.http('POST', `/v1/links/${code}/accept`, { customer }, headers);
    expect(again.status).toBe(201);
    const customerId = again.body.customer.id;
    expect(again.body.onboarding.started).toBe(true);
    expect(await stack.models.Customer.countDocuments({ domain: customer.domain })).toBe(1);
    expect(await stack.models.CustomerToken.countDocuments({ customerId })).toBe(1);
    expect((await stack.http('GET', '/v1/customer', undefined, bearer(again.body.token))).status).toBe(200);
    expect(await stack.models.Redemption.countDocuments({ customerId })).toBe(1);
    expect(await audited('invitation.accepted', customerId)).toBe(1);
    await eventually(async () => (await mails(customerId, 'trial-started')) === 1, 20_000, 'the trial-started e-mail');
    expect(await published('invitation.accepted', invitation.body.id)).toBe(1);
    await eventually(async () => (await published('trial.started', again.body.subscriptionId)) === 1, 20_000, 'the trial-started event');

    // the same answer again, the token included; kept sealed (no token in clear at rest)
    const replayed = await stack.http('POST', `/v1/links/${code}/accept`, { customer }, headers);
    expect(replayed.body).toEqual(again.body);
    expect(JSON.stringify(await stack.models.IdempotencyKey.find().lean())).not.toContain(again.body.token.split('.').pop());
    // anyone else (another key) gets no token: the domain is taken
    const other = await stack.http('POST', `/v1/links/${code}/accept`, { customer }, keyed());
    expect(other.status).toBe(409);
    expect(other.body.type).toBe('/problems/customer-exists');
    expect(other.text).not.toContain('ofc.');
  });

  it('taking a published offer as a company new to the partner: one tenant, one purchase, and the token in the answer to the retry', async () => {
    const offer = await sendOffer(stack, p, [], [{ sku: 'BUS-STD', licenses: 3 }], { published: true });
    const customer = newCustomer();
    const headers = keyed();
    faults.next('executeUpdateWithStart', { lose: true });
    expectLost(await stack.http('POST', `/v1/links/${offer.code}/accept`, { customer }, headers));

    const again = await stack.http('POST', `/v1/links/${offer.code}/accept`, { customer }, headers);
    expect(again.status).toBe(201);
    const customerId = again.body.customer.id;
    expect(again.body.subscriptions).toEqual([expect.objectContaining({ sku: 'BUS-STD', licenses: 3, convertedTrial: false })]);
    expect(await stack.models.Customer.countDocuments({ domain: customer.domain })).toBe(1);
    expect(await stack.models.CustomerToken.countDocuments({ customerId })).toBe(1);
    expect((await stack.http('GET', '/v1/customer', undefined, bearer(again.body.token))).status).toBe(200);
    expect(await stack.models.OfferRecipient.countDocuments({ offerId: offer.id })).toBe(1);
    await eventually(async () => (await audited('offer.accepted', offer.id)) === 1, 20_000, 'the acceptance audited');
    await eventually(async () => (await published('offer.accepted', offer.id)) === 1, 20_000, 'the acceptance published');
    await eventually(async () => (await stack.models.Subscription.countDocuments({ customerId, status: 'active' })) === 1, 20_000, 'one subscription');
    const replayed = await stack.http('POST', `/v1/links/${offer.code}/accept`, { customer }, headers);
    expect(replayed.body).toEqual(again.body);
  });

  it('redeeming a product key for a new customer: one tenant, one subscription, one audit entry, and the token in the answer to the retry', async () => {
    const key = fakeProductKey();
    const registered = await stack.http('POST', '/v1/product-keys/registrations', { sku: 'BUS-STD', keys: [key] }, bearer(p.admin.token));
    await stack.client.workflow.getHandle(`product-key-registration:${registered.body.id}`).result();
    const customer = newCustomer();
    const headers = keyed(bearer(p.admin.token));
    faults.next('executeUpdateWithStart', { lose: true });
    expectLost(await stack.http('POST', `/v1/product-keys/${key}/redemption`, { customer }, headers));

    const again = await stack.http('POST', `/v1/product-keys/${key}/redemption`, { customer }, headers);
    expect(again.status).toBe(201);
    expect(again.body.created).toBe(true);
    const customerId = again.body.customer.id;
    expect(await stack.models.Customer.countDocuments({ domain: customer.domain })).toBe(1);
    expect(await stack.models.CustomerToken.countDocuments({ customerId })).toBe(1);
    expect((await stack.http('GET', '/v1/customer', undefined, bearer(again.body.token))).status).toBe(200);
    expect((await stack.models.ProductKey.findById(key).lean())?.subscriptionId).toBe(again.body.subscription.subscriptionId);
    expect(await audited('product-key.redeemed', key)).toBe(1);
    expect(await published('product-key.redeemed', again.body.subscription.subscriptionId)).toBe(1);
    await eventually(async () => (await stack.models.Subscription.countDocuments({ customerId })) === 1, 20_000, 'one subscription');
    const replayed = await stack.http('POST', `/v1/product-keys/${key}/redemption`, { customer }, headers);
    expect(replayed.body).toEqual(again.body);
  });

  it('a link holder without a customer token must send a key nobody can guess', async () => {
    const invitation = await stack.http('POST', '/v1/invitations', { sku: 'BUS-STD' }, bearer(p.admin.token));
    const res = await stack.http('POST', `/v1/links/${linkCode(invitation.body.url)}/accept`, { customer: newCustomer() }, { 'idempotency-key': 'abc' });
    expect(res.status).toBe(400);
    expect(res.body.errors[0]).toMatchObject({ location: 'header', path: 'Idempotency-Key' });
  });

  it('sending an offer: one offer, one e-mail, one audit entry', async () => {
    const c = await trialCustomer(stack, p);
    const headers = keyed(bearer(p.admin.token));
    const body = { customerIds: [c.id], items: [{ sku: 'BUS-STD', licenses: 5 }] };
    faults.next('executeUpdateWithStart', { lose: true });
    expectLost(await stack.http('POST', '/v1/offers', body, headers));

    const again = await stack.http('POST', '/v1/offers', body, headers);
    expect(again.status).toBe(201);
    expect(await stack.models.Offer.countDocuments({ partnerId: p.id })).toBeGreaterThanOrEqual(1);
    expect(await stack.models.OfferRecipient.countDocuments({ customerId: c.id })).toBe(1);
    expect(await audited('offer.sent', again.body.id)).toBe(1);
    await eventually(async () => (await mails(c.id, 'offer-sent')) === 1, 20_000, 'the offer e-mail');
  });

  it('accepting an offer: the subscriptions once, one purchase e-mail, one audit entry', async () => {
    const c = await trialCustomer(stack, p);
    const offer = await sendOffer(stack, p, [c.id], [{ sku: 'BUS-STD', licenses: 7 }]);
    const headers = keyed(bearer(c.token));
    faults.next('executeUpdate', { lose: true });
    expectLost(await stack.http('POST', `/v1/links/${offer.code}/accept`, {}, headers));

    const again = await stack.http('POST', `/v1/links/${offer.code}/accept`, {}, headers);
    expect(again.status).toBe(201);
    expect(again.body.subscriptions).toEqual([{ subscriptionId: c.subscriptionId, sku: 'BUS-STD', licenses: 7, convertedTrial: true }]);
    expect(await audited('offer.accepted', offer.id)).toBe(1);
    expect(await published('offer.accepted', offer.id)).toBe(1);
    await eventually(async () => (await mails(c.id, `purchased-${offer.id}`)) === 1, 20_000, 'the purchase e-mail');
  });

  it('changing licenses, and an answer later than the API waits: 503 change-in-progress, then the one change', async () => {
    const c = await trialCustomer(stack, p);
    const offer = await sendOffer(stack, p, [c.id], [{ sku: 'BUS-STD', licenses: 7 }]);
    // bought as a client would (this API waits only ${UPDATE_WAIT_MS} ms): retried with its key while the change is in progress
    const buying = keyed(bearer(c.token));
    const bought = await eventually(async () => {
      const res = await stack.http('POST', `/v1/links/${offer.code}/accept`, {}, buying);
      return res.status === 503 ? undefined : res;
    });
    expect(bought.status).toBe(201);
    const change = (licenses: number, headers: Record<string, string>) =>
      stack.http('POST', `/v1/customer/subscriptions/${c.subscriptionId}/licenses`, { licenses }, headers);

    const lost = keyed(bearer(c.token));
    faults.next('executeUpdate', { lose: true });
    expectLost(await change(9, lost));
    expect((await change(9, lost)).body).toMatchObject({ licenses: 9 });

    const slow = keyed(bearer(c.token));
    faults.next('executeUpdate', { delayMs: UPDATE_WAIT_MS + 2000 });
    const late = await change(11, slow);
    expect({ status: late.status, type: late.body.type }).toEqual({ status: 503, type: '/problems/change-in-progress' });
    expect(Number(late.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await change(11, slow)).body).toMatchObject({ licenses: 11 });

    const changes = await stack.models.AuditEvent.find({ action: 'subscription.licenses-changed', 'target.id': c.subscriptionId }).lean();
    expect(changes.map((e) => JSON.parse(e.details) as unknown)).toEqual(
      expect.arrayContaining([expect.objectContaining({ from: 7, to: 9 }), expect.objectContaining({ from: 9, to: 11 })]),
    );
    expect(changes).toHaveLength(2);
    expect(await mails(c.id, 'subscription-changed')).toBe(2); // each told to the partner once
  });

  it('asking for delegated administration and the customer accepting it: one relationship, one entry each', async () => {
    const c = await trialCustomer(stack, p);
    const headers = keyed(bearer(p.admin.token));
    faults.next('executeUpdateWithStart', { lose: true });
    expectLost(await stack.http('POST', `/v1/customers/${c.id}/delegated-admin`, {}, headers));
    const asked = await stack.http('POST', `/v1/customers/${c.id}/delegated-admin`, {}, headers);
    expect(asked.status).toBe(201);
    expect(await stack.models.Relationship.countDocuments({ customerId: c.id, partnerId: p.id })).toBe(1);

    const answer = keyed(bearer(c.token));
    faults.next('executeUpdate', { lose: true });
    expectLost(await stack.http('POST', `/v1/customer/delegated-admin/${asked.body.id}/accept`, undefined, answer));
    const accepted = await stack.http('POST', `/v1/customer/delegated-admin/${asked.body.id}/accept`, undefined, answer);
    expect(accepted.status).toBe(200);
    expect(accepted.body.status).toBe('active');
    expect(await audited('delegated-admin.requested', c.id)).toBe(1);
    expect(await audited('delegated-admin.accepted', asked.body.id)).toBe(1);
    expect(await published('delegated-admin.accepted', asked.body.id)).toBe(1);
    await eventually(async () => (await mails(c.id, 'delegated-admin-requested')) === 2, 20_000, 'the request told to partner and customer');
  });
});

describe('an Idempotency-Key held by a request that died', () => {
  it('is in use until its lease lapses (seconds), then the retry runs and meets the first attempt’s change', async () => {
    const headers = keyed(bearer(p.admin.token));
    faults.next('executeUpdateWithStart', { lose: true });
    expectLost(await stack.http('POST', '/v1/invitations', { sku: 'BUS-STD' }, headers));
    // as a process killed right after the change leaves it: in progress, its last lease still running
    const id = recordIdOf(`${p.id}:${p.admin.id}`, headers['idempotency-key']);
    await eventually(async () => (await stack.models.IdempotencyKey.findById(id).lean())?.leaseUntil?.getTime() === 0, 5000, 'the 503 to lapse the lease');
    await stack.models.IdempotencyKey.updateOne({ _id: id }, { $set: { leaseUntil: new Date(Date.now() + LEASE_MS) } });
    const died = Date.now();
    const busy = await stack.http('POST', '/v1/invitations', { sku: 'BUS-STD' }, headers);
    expect(busy.status).toBe(409);
    expect(busy.body.type).toBe('/problems/idempotency-key-in-use');
    expect(Number(busy.headers.get('retry-after'))).toBeLessThanOrEqual(LEASE_MS / 1000);

    let answer: HttpResult;
    do {
      await new Promise((r) => setTimeout(r, 250));
      answer = await stack.http('POST', '/v1/invitations', { sku: 'BUS-STD' }, headers);
    } while (answer.status === 409);
    expect(Date.now() - died).toBeLessThan(LEASE_MS + 2000);
    expect(answer.status).toBe(201);
    expect(await stack.models.LinkCode.countDocuments({ targetId: answer.body.id })).toBe(1);
    expect(await audited('invitation.created', answer.body.id)).toBe(1);
  });
});
