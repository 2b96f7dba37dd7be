import { newTimeOrderedId } from '../../src/ids';
import { offerWorkflow } from '../../workflows';
import { DAY_MS } from '../../workflows/durations';
import { offerStart } from '../../workflows/offers/start';
import { bearer, type TestPartner } from '../support/partners';
import { eventually, type TestStack } from '../support/stack';
import * as flows from '../support/flows';
import { useStackWithPartner } from '../support/use-stack';

let stack: TestStack;
let p: TestPartner;
useStackWithPartner((s, partner) => {
  stack = s;
  p = partner;
});

const partner = (path: string, body?: unknown, method = body === undefined ? 'GET' : 'POST') => stack.http(method, path, body, bearer(p.admin.token));

/** A customer of `p` in its trial (of `sku`), with its token, once its directory lists it so. */
async function trialCustomer(trial: Record<string, unknown> = {}, sku = 'BUS-STD', listedAs: (status: string | undefined) => boolean = (s) => s === 'trial') {
  const c = await flows.trialCustomer(stack, p, { sku, trial });
  await eventually(async () => listedAs((await stack.directory.get(p.id, c.id))?.status), 20_000, 'the customer in the directory');
  return { ...c, trialSubscriptionId: c.subscriptionId };
}

const offer = (customerIds: string[], items: Array<{ sku: string; licenses: number }>, extra: Record<string, unknown> = {}) =>
  flows.sendOffer(stack, p, customerIds, items, extra);

const accept = (code: string, token: string, licenses?: Record<string, number>) => flows.acceptOffer(stack, code, token, licenses ? { licenses } : {});

/** Starts an offer's workflow as the API does, and nothing more (as if the API died right after). */
async function startOfferWorkflow(customerId: string, offerId: string) {
  const item = { sku: 'BUS-STD', licenses: 5, minLicenses: 1, maxLicenses: 300, priceMinor: 1250, currency: 'USD', subscriptionId: newTimeOrderedId('sub') };
  const start = offerStart({
    offerId,
    partnerId: p.id,
    partnerEmail: 'partner@example.test',
    customerId,
    customerEmail: 'customer@example.test',
    url: `http://offers.test/o/${offerId}`,
    items: [item],
    expiresAt: new Date(Date.now() + 3_600_000).toISOString(),
    billingPeriodMs: 30 * DAY_MS,
    cancellationWindowMs: 7 * DAY_MS,
  });
  return stack.client.workflow.start(offerWorkflow, { ...start, taskQueue: stack.taskQueue });
}

const recipientStatus = async (offerId: string, customerId: string) => (await stack.models.OfferRecipient.findById(`${offerId}|${customerId}`).lean())?.status;

describe('purchase offers', () => {
  it('a newer offer supersedes the older by the workflows alone: whoever started it died right after, or the older one arrived last', async () => {
    const c = await trialCustomer();
    const first = await offer([c.id], [{ sku: 'BUS-STD', licenses: 5 }]);
    // the API started the next offer's workflow and crashed: nothing else ran on its side
    const second = newTimeOrderedId('ofr');
    await startOfferWorkflow(c.id, second);
    await eventually(async () => (await recipientStatus(first.id, c.id)) === 'superseded', 20_000, 'the first offer superseded');
    expect(await stack.models.OfferRecipient.findById(`${first.id}|${c.id}`).lean()).toMatchObject({ supersededBy: second, endedBy: `offer ${second}` });
    expect(await recipientStatus(second, c.id)).toBe('sent');
    // an offer made before the newest one, whose workflow starts after it: superseded at once
    const late = newTimeOrderedId('ofr', new Date(Date.now() - 60_000));
    await startOfferWorkflow(c.id, late);
    await eventually(async () => (await recipientStatus(late, c.id)) === 'superseded', 20_000, 'the late, older offer superseded');
    expect(await recipientStatus(second, c.id)).toBe('sent');
    // and it sent no e-mail: the customer only hears of the offers it can buy
    expect(await stack.models.OutboxMessage.exists({ _id: `offer:${late}:${c.id}:sent` })).toBeNull();
  }, 60_000);

  it('accepting with changed license counts converts the trial (same subscription) and creates the others; the customer is onboarded', async () => {
    const c = await trialCustomer();
    const o = await offer(
      [c.id],
      [
        { sku: 'BUS-STD', licenses: 10 },
        { sku: 'MAIL-P1', licenses: 3 },
      ],
    );
    const view = await stack.http('GET', `/v1/links/${o.code}`);
    expect(view.body).toMatchObject({
      kind: 'purchase-offer',
      status: 'open',
      items: [
        { sku: 'BUS-STD', licenses: 10, minLicenses: 1, maxLicenses: 300, monthlyPricePerLicense: { amount: 1250, currency: 'USD' } },
        { sku: 'MAIL-P1', licenses: 3 },
      ],
    });

    const res = await accept(o.code, c.token, { 'BUS-STD': 12 });
    expect(res.status).toBe(201);
    expect(res.body.subscriptions).toEqual([
      { subscriptionId: c.trialSubscriptionId, sku: 'BUS-STD', licenses: 12, convertedTrial: true },
      { subscriptionId: expect.stringMatching(/^sub_/), sku: 'MAIL-P1', licenses: 3, convertedTrial: false },
    ]);
    const subs = await eventually(
      async () => {
        const r = await stack.http('GET', '/v1/customer/subscriptions', undefined, bearer(c.token));
        return r.body.length === 2 && r.body.every((s: { status: string }) => s.status === 'active') && r.body;
      },
      20_000,
      'both subscriptions active',
    );
    expect(subs.find((s: { id: string }) => s.id === c.trialSubscriptionId)).toMatchObject({ sku: 'BUS-STD', licenses: 12, status: 'active' });

    const timeline = await eventually(
      async () => {
        const r = await partner(`/v1/customers/${c.id}/timeline`);
        return r.body.some((t: { stage: string }) => t.stage === 'onboarded') && r.body;
      },
      20_000,
      'onboarded',
    );
    expect(timeline.map((t: { stage: string }) => t.stage)).toEqual(['trial-active', 'purchased', 'onboarded']);
    expect(timeline[1]).toMatchObject({ by: 'customer', detail: expect.stringContaining('BUS-STD × 12 (trial converted)') });
    const listed = await eventually(
      async () => (await partner(`/v1/customers/${c.id}`)).body.status === 'active' && (await partner(`/v1/customers/${c.id}`)).body,
      20_000,
      'active in the directory',
    );
    expect(listed.skus.sort()).toEqual(['BUS-STD', 'MAIL-P1']);
    const recipients = await partner(`/v1/offers/${o.id}`);
    expect(recipients.body.recipients).toEqual([
      expect.objectContaining({
        customerId: c.id,
        status: 'accepted',
        items: [
          { sku: 'BUS-STD', licenses: 12 },
          { sku: 'MAIL-P1', licenses: 3 },
        ],
      }),
    ]);
  }, 60_000);

  it('refuses, with the reason: out-of-bounds counts (the offer stays open), a second acceptance, a superseded, revoked or expired offer, an offer for someone else', async () => {
    const c = await trialCustomer();
    const older = await offer([c.id], [{ sku: 'BUS-STD', licenses: 5 }]);
    const newer = await offer([c.id], [{ sku: 'BUS-STD', licenses: 8 }]);
    const superseded = await accept(older.code, c.token); // superseded as soon as the newer one was sent
    expect(superseded.status).toBe(409);
    expect(superseded.body).toMatchObject({ type: '/problems/offer-not-open', offerStatus: 'superseded' });
    await eventually(async () => (await partner(`/v1/offers/${older.id}`)).body.recipients[0].status === 'superseded', 20_000, 'the superseded offer stored');
    expect((await partner(`/v1/offers/${older.id}`)).body.recipients[0]).toMatchObject({
      status: 'superseded',
      supersededBy: newer.id,
      endedBy: `offer ${newer.id}`,
    });

    const tooMany = await accept(newer.code, c.token, { 'BUS-STD': 301 });
    expect(tooMany.status).toBe(422);
    expect(tooMany.body.type).toBe('/problems/license-count-out-of-bounds');
    const notInOffer = await accept(newer.code, c.token, { 'ENT-E5': 3 });
    expect(notInOffer.status).toBe(400);
    expect(notInOffer.body.errors).toEqual([expect.objectContaining({ location: 'body', path: 'licenses.ENT-E5' })]);
    // a key JSON allows but no parser should skip: refused, not dropped (which would buy at the offer's counts)
    const prototypeKey = await accept(newer.code, c.token, JSON.parse('{"__proto__":{"BUS-STD":1}}') as Record<string, number>);
    expect(prototypeKey.status).toBe(400);
    expect(prototypeKey.body.errors).toEqual([expect.objectContaining({ location: 'body', path: 'licenses.__proto__' })]);
    expect((await accept(newer.code, c.token)).status).toBe(201);
    const twice = await accept(newer.code, c.token);
    expect(twice.status).toBe(409);
    expect(twice.body.offerStatus).toBe('accepted');

    const d = await trialCustomer();
    const revoked = await offer([d.id], [{ sku: 'BUS-STD', licenses: 5 }]);
    expect((await partner(`/v1/offers/${revoked.id}/revoke`, {})).body.recipients[0].status).toBe('revoked');
    expect((await accept(revoked.code, d.token)).body).toMatchObject({ status: 409, offerStatus: 'revoked' });
    expect((await stack.http('GET', `/v1/links/${revoked.code}`)).body.status).toBe('revoked');
    // someone else's offer: not found
    expect((await accept(newer.code, d.token)).status).toBe(404);

    const expiring = await offer([d.id], [{ sku: 'BUS-STD', licenses: 5 }], { expiresInSeconds: 1 });
    await new Promise((r) => setTimeout(r, 1500));
    const expired = await accept(expiring.code, d.token);
    expect(expired.status).toBe(409);
    expect(expired.body.offerStatus).toBe('expired');
    expect((await stack.http('GET', `/v1/links/${expiring.code}`)).body.status).toBe('expired');
    // declined
    const declinable = await offer([d.id], [{ sku: 'BUS-STD', licenses: 5 }]);
    await eventually(
      async () => (await stack.http('POST', `/v1/links/${declinable.code}/decline`, undefined, bearer(d.token))).status === 200,
      10_000,
      'decline',
    );
    expect((await accept(declinable.code, d.token)).body.offerStatus).toBe('declined');
  }, 60_000);

  it('30 simultaneous acceptances by the same customer buy exactly once; every other is told the offer is accepted', async () => {
    const c = await trialCustomer();
    const o = await offer(
      [c.id],
      [
        { sku: 'BUS-STD', licenses: 4 },
        { sku: 'STOR-P1', licenses: 2 },
      ],
    );
    const results = await Promise.all(Array.from({ length: 30 }, () => accept(o.code, c.token)));
    expect(results.filter((r) => r.status === 201)).toHaveLength(1);
    const refused = results.filter((r) => r.status === 409);
    expect(refused).toHaveLength(29);
    // the offer's real state, whether a refusal came from the workflow or found it over
    expect(new Set(refused.map((r) => `${r.body.type} ${r.body.offerStatus}`))).toEqual(new Set(['/problems/offer-not-open accepted']));
    const subs = await eventually(
      async () => {
        const all = await stack.models.Subscription.find({ customerId: c.id }).lean();
        return all.filter((s) => s.status === 'active').length === 2 && all;
      },
      20_000,
      'the subscriptions',
    );
    expect(subs).toHaveLength(2); // the converted trial and one new one: nothing doubled
  }, 60_000);
});

describe('license adjustments', () => {
  it('up and down inside the window, with a prorated preview; the partner of record is told of each change', async () => {
    const c = await trialCustomer();
    const o = await offer([c.id], [{ sku: 'BUS-STD', licenses: 10 }], { billing: { periodSeconds: 30 * 86_400, cancellationWindowSeconds: 7 * 86_400 } });
    const bought = await accept(o.code, c.token);
    const subId: string = bought.body.subscriptions[0].subscriptionId;
    await eventually(async () => (await stack.models.Subscription.findById(subId).lean())?.status === 'active', 20_000, 'active');

    const preview = await stack.http('GET', `/v1/customer/subscriptions/${subId}/price-preview?licenses=15`, undefined, bearer(c.token));
    expect(preview.status).toBe(200);
    expect(preview.body).toMatchObject({ currentLicenses: 10, newLicenses: 15, currency: 'USD', decreaseAllowed: true });
    // 5 licenses × $12.50 for (almost) a whole 30-day period
    expect(preview.body.proratedAmount).toBeGreaterThan(6200);
    expect(preview.body.proratedAmount).toBeLessThanOrEqual(6250);

    const up = await stack.http('POST', `/v1/customer/subscriptions/${subId}/licenses`, { licenses: 15 }, bearer(c.token));
    expect(up.status).toBe(200);
    expect(up.body).toMatchObject({ id: subId, licenses: 15 });
    const down = await stack.http('POST', `/v1/customer/subscriptions/${subId}/licenses`, { licenses: 12 }, bearer(c.token));
    expect(down.body.licenses).toBe(12);

    const outbox = await partner(`/v1/outbox?customerId=${c.id}`);
    const notices = outbox.body.items.filter((m: { kind: string }) => m.kind === 'subscription-changed');
    expect(notices.map((m: { subject: string }) => m.subject).sort()).toEqual(['Licenses changed: BUS-STD now 12', 'Licenses changed: BUS-STD now 15']);
    expect(notices.every((m: { to: string }) => m.to.startsWith('hello-'))).toBe(true); // the partner's profile e-mail
    const timeline = await partner(`/v1/customers/${c.id}/timeline`);
    expect(timeline.body.filter((t: { stage: string }) => t.stage === 'licenses-adjusted').map((t: { detail: string }) => t.detail)).toEqual([
      expect.stringContaining('10 → 15 licenses by customer'),
      expect.stringContaining('15 → 12 licenses by customer'),
    ]);
  }, 60_000);

  it('the price preview follows the clock, not the workflow’s last task: the window closes and the prorated price shrinks while nothing happens', async () => {
    const c = await trialCustomer();
    const o = await offer([c.id], [{ sku: 'BUS-STD', licenses: 10 }], { billing: { periodSeconds: 60, cancellationWindowSeconds: 4 } });
    const subId: string = (await accept(o.code, c.token)).body.subscriptions[0].subscriptionId;
    await eventually(async () => (await stack.models.Subscription.findById(subId).lean())?.status === 'active', 20_000, 'active');
    const preview = async (licenses: number) => {
      const res = await stack.http('GET', `/v1/customer/subscriptions/${subId}/price-preview?licenses=${licenses}`, undefined, bearer(c.token));
      expect(res.status).toBe(200);
      return {
        ...(res.body as { decreaseAllowed: boolean; proratedAmount: number; periodEndsAt: string; cancellationWindowEndsAt: string }),
        asked: Date.now(),
      };
    };
    // 5 more licenses × $12.50 for what is left of the 60 s period
    const expected = (p: { periodEndsAt: string; asked: number }) => (5 * 1250 * (Date.parse(p.periodEndsAt) - p.asked)) / 60_000;
    const before = await preview(15);
    expect((await preview(8)).decreaseAllowed).toBe(true);
    expect(before.proratedAmount).toBeCloseTo(expected(before), -2);
    await new Promise((r) => setTimeout(r, Date.parse(before.cancellationWindowEndsAt) + 1500 - Date.now()));
    expect((await preview(8)).decreaseAllowed).toBe(false);
    const after = await preview(15);
    expect(after.proratedAmount).toBeLessThan(before.proratedAmount - 300);
    expect(after.proratedAmount).toBeCloseTo(expected(after), -2);
    expect((await stack.http('POST', `/v1/customer/subscriptions/${subId}/licenses`, { licenses: 8 }, bearer(c.token))).body.type).toBe(
      '/problems/license-decrease-not-allowed',
    );
  }, 60_000);

  it('refuses a decrease outside the window or below the assigned licenses, counts out of bounds, no change, and others’ subscriptions', async () => {
    const c = await trialCustomer();
    const buy = async (customer: { id: string; token: string }, cancellationWindowSeconds: number) => {
      const o = await offer([customer.id], [{ sku: 'STOR-P2', licenses: 10 }], { billing: { periodSeconds: 30 * 86_400, cancellationWindowSeconds } });
      const bought = await accept(o.code, customer.token);
      const id: string = bought.body.subscriptions[0].subscriptionId;
      await eventually(async () => (await stack.models.Subscription.findById(id).lean())?.status === 'active', 20_000, 'active');
      return id;
    };
    const subId = await buy(c, 7 * 86_400);
    const change = (licenses: number, token = c.token, id = subId) =>
      stack.http('POST', `/v1/customer/subscriptions/${id}/licenses`, { licenses }, bearer(token));

    for (let i = 0; i < 8; i++) {
      const u = await stack.http('POST', '/v1/customer/users', { email: `u${i}@tenant.example`, displayName: `User ${i}`, skus: ['STOR-P2'] }, bearer(c.token));
      expect(u.status).toBe(201);
    }
    const below = await change(7);
    expect(below.status).toBe(409);
    expect(below.body).toMatchObject({ type: '/problems/license-count-below-assigned', assigned: 8 });
    expect((await change(4)).body.type).toBe('/problems/license-count-out-of-bounds'); // STOR-P2 takes 5 at least
    expect((await change(10)).body.type).toBe('/problems/license-count-unchanged');
    expect((await change(9)).status).toBe(200); // inside the window, above the assigned

    // a window that closed at the purchase (the window's timing: test/workflows/subscriptions.test.ts)
    const other = await trialCustomer();
    const closedId = await buy(other, 0);
    const late = await change(8, other.token, closedId);
    expect(late.status).toBe(409);
    expect(late.body.type).toBe('/problems/license-decrease-not-allowed');
    expect(
      (await stack.http('GET', `/v1/customer/subscriptions/${closedId}/price-preview?licenses=8`, undefined, bearer(other.token))).body.decreaseAllowed,
    ).toBe(false);
    expect((await change(11, other.token, closedId)).status).toBe(200); // up is always allowed

    expect((await change(12, other.token)).status).toBe(404); // another customer's subscription
    expect((await stack.models.Subscription.findById(subId).lean())!.licenses).toBe(9);
  }, 60_000);
});

describe('renewals', () => {
  /** A paid subscription of a short billing period (durations are data), active, with its customer. */
  async function bought(periodSeconds: number) {
    const c = await trialCustomer();
    const o = await offer([c.id], [{ sku: 'BUS-STD', licenses: 6 }], { billing: { periodSeconds, cancellationWindowSeconds: 1 } });
    const res = await accept(o.code, c.token);
    const subId: string = res.body.subscriptions[0].subscriptionId;
    await eventually(async () => (await stack.models.Subscription.findById(subId).lean())?.status === 'active', 20_000, 'active');
    return { c, subId };
  }
  const asCustomer = (token: string, subId: string) =>
    stack.http('GET', '/v1/customer/subscriptions', undefined, bearer(token)).then((r) => r.body.find((s: { id: string }) => s.id === subId));
  const setRenewal = (token: string, subId: string, autoRenew: boolean) =>
    stack.http('POST', `/v1/customer/subscriptions/${subId}/renewal`, { autoRenew }, bearer(token));

  it('renews at the end of each billing period (timeline, the partner of record told); set not to renew, it ends at the period’s end', async () => {
    const { c, subId } = await bought(4);
    const first = await asCustomer(c.token, subId);
    expect(first).toMatchObject({ status: 'active', autoRenew: true, renewals: expect.any(Number), periodEndsAt: expect.any(String) });
    const renewed = await eventually(
      async () => ((await asCustomer(c.token, subId))?.renewals > first.renewals ? await asCustomer(c.token, subId) : false),
      20_000,
      'a renewal',
    );
    expect(Date.parse(renewed.periodEndsAt) - Date.parse(first.periodEndsAt)).toBe(4000 * (renewed.renewals - first.renewals));
    // told after it is stored
    const told = await eventually(
      async () => (await partner(`/v1/outbox?customerId=${c.id}`)).body.items.find((m: { kind: string }) => m.kind === 'subscription-renewed'),
      10_000,
      'the partner told of the renewal',
    );
    expect(told).toMatchObject({ to: expect.stringMatching(/^hello-/) });
    const timeline = await partner(`/v1/customers/${c.id}/timeline`);
    expect(timeline.body.some((t: { stage: string }) => t.stage === 'subscription-renewed')).toBe(true);

    const set = await setRenewal(c.token, subId, false);
    expect(set.status).toBe(200);
    expect(set.body).toMatchObject({ id: subId, autoRenew: false }); // (its period may end as it answers)
    const ended = await eventually(
      async () => ((await asCustomer(c.token, subId))?.status === 'cancelled' ? await asCustomer(c.token, subId) : false),
      20_000,
      'the end',
    );
    expect(ended.endedAt).toBe(ended.periodEndsAt);
    expect(ended.renewals).toBe(set.body.renewals); // not renewed again
    const kinds = async () => (await partner(`/v1/outbox?customerId=${c.id}`)).body.items.map((m: { kind: string }) => m.kind);
    await eventually(async () => (await kinds()).includes('subscription-ended'), 10_000, 'the partner told of the end');
    expect(await kinds()).toContain('subscription-renewal-changed');
    const audit = await stack.http('GET', '/v1/customer/activity', undefined, bearer(c.token));
    expect(audit.body.items.map((e: { action: string }) => e.action)).toContain('subscription.renewal-changed');

    // over: no setting is taken, and nothing more is written
    const late = await setRenewal(c.token, subId, true);
    expect(late.status).toBe(409);
    expect(late.body.type).toBe('/problems/subscription-not-active');
  }, 60_000);

  it('refuses a trial, another customer’s subscription, and a partner without delegated administration; a partner with it sets the renewal', async () => {
    const { c, subId } = await bought(3600);
    const trial = await trialCustomer();
    expect((await setRenewal(trial.token, trial.trialSubscriptionId, false)).body.type).toBe('/problems/subscription-not-active');
    expect((await setRenewal(trial.token, subId, false)).status).toBe(404);
    const byPartner = (autoRenew: boolean) => partner(`/v1/customers/${c.id}/subscriptions/${subId}/renewal`, { autoRenew });
    expect((await byPartner(false)).body.type).toBe('/problems/delegated-admin-required');

    const asked = await partner(`/v1/customers/${c.id}/delegated-admin`, {});
    expect((await stack.http('POST', `/v1/customer/delegated-admin/${asked.body.id}/accept`, undefined, bearer(c.token))).status).toBe(200);
    const set = await byPartner(false);
    expect(set.status).toBe(200);
    expect(set.body).toMatchObject({ autoRenew: false, status: 'active' });
    const audit = await stack.http('GET', '/v1/customer/activity', undefined, bearer(c.token));
    expect(audit.body.items.filter((e: { action: string }) => e.action === 'subscription.renewal-changed')[0]).toMatchObject({
      actor: { kind: 'partner-user' },
    });
    expect((await byPartner(true)).body.autoRenew).toBe(true);
  }, 60_000);
});
