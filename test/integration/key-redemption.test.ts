import { randomUUID } from 'node:crypto';
import { fakeProductKey } from '../../bench/fake-customers';
import { bearer, createPartner, type TestPartner } from '../support/partners';
import { eventually, type TestStack } from '../support/stack';
import * as flows from '../support/flows';
import { useStackWithPartner } from '../support/use-stack';

/**
 * A partner redeems a product key it registered for a customer (SPEC section 8): the
 * subscription is set up through the customer's onboarding, the partner is its partner
 * of record, and a key is redeemed once, however many try at the same time.
 */
let stack: TestStack;
let p: TestPartner;
useStackWithPartner((s, partner) => {
  stack = s;
  p = partner;
});

const asPartner = (partner = p) => bearer(partner.admin.token);
/** A key the partner registered (its job done). */
async function registeredKey(partner = p, licenses = 5, sku = 'BUS-STD'): Promise<string> {
  const key = fakeProductKey();
  const res = await stack.http('POST', '/v1/product-keys/registrations', { sku, licenses, keys: [key] }, asPartner(partner));
  flows.expectStatus(res, 202, 'registering a key');
  await stack.client.workflow.getHandle(`product-key-registration:${res.body.id}`).result();
  return key;
}
const redeem = (key: string, body: Record<string, unknown>, headers: Record<string, string> = asPartner()) =>
  stack.http('POST', `/v1/product-keys/${key}/redemption`, body, headers);
/** As a client does: under its own Idempotency-Key, again after a 503 (the change goes on: a retry meets it), until answered. */
async function redeemUntilAnswered(key: string, body: Record<string, unknown>) {
  const headers = { ...asPartner(), 'idempotency-key': randomUUID() };
  for (let attempt = 1; ; attempt++) {
    const res = await redeem(key, body, headers);
    if (res.status !== 503 || attempt === 20) return res;
    await new Promise((r) => setTimeout(r, Number(res.headers.get('retry-after') ?? 1) * 1000));
  }
}

describe('redeeming a product key', () => {
  it('for a new customer: its tenant (token once), the key’s subscription with the partner of record, delegated administration asked, the key shown redeemed', async () => {
    const key = await registeredKey(p, 7);
    const company = flows.newCustomer();
    const res = await redeem(key.toLowerCase(), { customer: company, delegatedAdmin: { durationDays: 90, role: 'limited' } });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      key,
      customer: { name: company.name, domain: company.domain },
      created: true,
      subscription: { sku: 'BUS-STD', licenses: 7 },
      delegatedAdmin: { status: 'approval-pending' },
    });
    expect(res.body.token).toMatch(/^ofc\./);
    const customerId = res.body.customer.id as string;
    const subscriptionId = res.body.subscription.subscriptionId as string;

    // the subscription runs, the partner its partner of record; the customer sees it with its token
    const sub = await eventually(async () => {
      const s = await stack.models.Subscription.findById(subscriptionId).lean();
      return s?.status === 'active' && s;
    });
    expect(sub).toMatchObject({ customerId, partnerId: p.id, sku: 'BUS-STD', licenses: 7 });
    expect((await stack.http('GET', '/v1/customer/subscriptions', undefined, bearer(res.body.token))).body).toEqual([
      expect.objectContaining({ id: subscriptionId, partnerId: p.id }),
    ]);
    // the customer approves the delegated administration it was asked for
    const accepted = await stack.http(
      'POST',
      `/v1/customer/delegated-admin/${res.body.delegatedAdmin.relationshipId}/accept`,
      undefined,
      bearer(res.body.token),
    );
    expect(accepted.status).toBe(200);

    // the partner's inventory, its customer list, the customer's timeline and the audit log say so
    const inventory = await stack.http('GET', '/v1/product-keys?state=redeemed', undefined, asPartner());
    expect(inventory.body.items).toEqual([expect.objectContaining({ key, state: 'redeemed', customerId, subscriptionId, redeemedBy: p.admin.id })]);
    await eventually(async () => (await stack.http('GET', `/v1/customers/${customerId}`, undefined, asPartner())).status === 200, 20_000, 'listed');
    const stages = await eventually(async () => {
      const t = await stack.http('GET', `/v1/customers/${customerId}/timeline`, undefined, asPartner());
      const s = (t.body as Array<{ stage: string }>).map((e) => e.stage);
      return s.includes('onboarded') && s;
    });
    expect(stages).toEqual(expect.arrayContaining(['key-redeemed', 'purchased', 'onboarded']));
    expect(await stack.models.AuditEvent.countDocuments({ partnerId: p.id, action: 'product-key.redeemed', 'target.id': key })).toBe(1);

    // redeemed once: again, by anyone, is refused with when
    const again = await redeem(key, { customer: flows.newCustomer() });
    expect([again.status, again.body.type]).toEqual([409, '/problems/product-key-redeemed']);
    expect(again.body.redeemedAt).toBeDefined();
  });

  it('for a customer in its trial of the same service: the trial converts, no new tenant or token', async () => {
    const c = await flows.trialCustomer(stack, p);
    await eventually(async () => (await stack.models.Subscription.findById(c.subscriptionId).lean())?.status === 'trial', 20_000, 'the trial');
    const key = await registeredKey();
    const res = await redeem(key, { customerId: c.id });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ customer: { id: c.id }, created: false, subscription: { subscriptionId: c.subscriptionId, sku: 'BUS-STD', licenses: 5 } });
    expect(res.body.token).toBeUndefined();
    await eventually(async () => (await stack.models.Subscription.findById(c.subscriptionId).lean())?.status === 'active', 20_000, 'the trial converted');
  });

  it('50 redemptions of one key at the same time: exactly one subscription, a clear refusal for each of the others', async () => {
    const c = await flows.trialCustomer(stack, p, { sku: 'BUS-BASIC' });
    const key = await registeredKey();
    const before = await stack.models.Subscription.countDocuments({ customerId: c.id });
    const answers = await Promise.all(Array.from({ length: 50 }, () => redeemUntilAnswered(key, { customerId: c.id })));
    const statuses = answers.map((a) => `${a.status} ${a.body.type ?? ''}`.trim());
    expect(statuses.filter((s) => s === '201')).toHaveLength(1);
    expect(statuses.filter((s) => s === '409 /problems/product-key-redeemed')).toHaveLength(49);
    const won = answers.find((a) => a.status === 201)!;
    await eventually(async () => (await stack.models.Subscription.countDocuments({ customerId: c.id, status: 'active' })) === 1, 20_000, 'its subscription');
    expect(await stack.models.Subscription.countDocuments({ customerId: c.id })).toBe(before + 1);
    expect((await stack.models.ProductKey.findById(key).lean())?.subscriptionId).toBe(won.body.subscription.subscriptionId);
    expect(await stack.models.AuditEvent.countDocuments({ action: 'product-key.redeemed', 'target.id': key })).toBe(1);
  }, 90_000);

  it('refused before anything is made: another partner’s key, an unknown or malformed key, another partner’s customer, no customer or both', async () => {
    const other = await createPartner(stack);
    const theirs = await registeredKey(other);
    const stranger = await flows.trialCustomer(stack, other);
    const mine = await registeredKey();
    const customers = await stack.models.Customer.countDocuments({});
    const outcomes = [
      await redeem(theirs, { customer: flows.newCustomer() }),
      await redeem(fakeProductKey(), { customer: flows.newCustomer() }),
      await redeem('ABCDE-12345', { customer: flows.newCustomer() }),
      await redeem(mine, { customerId: stranger.id }),
      await redeem(mine, {}),
      await redeem(mine, { customerId: stranger.id, customer: flows.newCustomer() }),
    ].map((r) => `${r.status} ${r.body.type}`);
    expect(outcomes).toEqual([
      '404 /problems/not-found',
      '404 /problems/not-found',
      '400 /problems/validation',
      '404 /problems/not-found',
      '400 /problems/validation',
      '400 /problems/validation',
    ]);
    expect(await stack.models.Customer.countDocuments({})).toBe(customers);
    expect((await stack.models.ProductKey.findById(mine).lean())?.state).toBe('unused');
  });
});
