import { ApplicationFailure, WorkflowUpdateStage, type WorkflowHandle } from '@temporalio/client';
import { SubscriptionFailure } from '../../workflows/subscriptions/failures';
import { changeLicensesUpdate, pricePreviewQuery, setRenewalUpdate, subscriptionStateQuery } from '../../workflows/subscriptions/messages';
import { subscriptionStart } from '../../workflows/subscriptions/start';
import { subscriptionWorkflow } from '../../workflows/subscriptions/workflow';
import { useTimeSkipping } from '../support/time-skipping';
import { DAY, refusal, subscriptionInput } from './inputs';

// The cancellation window (licenses go down only in the 7 days after purchase or renewal) and the
// 30-day billing period, with real durations: the server's clock is moved, not the test's.
const ts = useTimeSkipping();

let purchasedAt: number;
let h: WorkflowHandle<typeof subscriptionWorkflow>;
beforeEach(async () => {
  purchasedAt = await ts.now();
  h = await ts.start(subscriptionWorkflow, { ...subscriptionStart(subscriptionInput(purchasedAt)) });
  await ts.eventually(() => ts.callsTo('saveSubscription', h.workflowId).length === 1, 'the subscription to be stored');
});

/** Moves the server's clock to `purchasedAt + t`. */
const at = async (t: number) => ts.sleep(purchasedAt + t - (await ts.now()));
const change = (licenses: number) => h.executeUpdate(changeLicensesUpdate, { args: [{ licenses, by: 'customer' }] });
const setRenewal = (autoRenew: boolean) => h.executeUpdate(setRenewalUpdate, { args: [{ autoRenew, by: 'customer' }] });
const iso = (t: number) => new Date(purchasedAt + t).toISOString();

describe('the cancellation window', () => {
  it('lets licenses go down inside it (prorated refund for the rest of the period), stored and notified', async () => {
    await at(2 * DAY);
    const state = await change(8);
    expect(state).toMatchObject({ licenses: 8, changes: 1, lastChange: { from: 10, to: 8, by: 'customer' } });
    // 2 licenses × 1250 × 28/30 of the period left
    expect(state.lastChange!.proratedAmount).toBeGreaterThanOrEqual(-2334);
    expect(state.lastChange!.proratedAmount).toBeLessThanOrEqual(-2332);
    // a decrease is checked against the assigned licenses as it is stored (one activity, under the assignments' lock)
    expect(ts.callsTo('countAssignedLicenses', h.workflowId)).toEqual([]);
    expect(ts.callsTo('saveLicenseDecrease', h.workflowId).map(([s]) => [s.licenses, s.revision])).toEqual([[8, 2]]);
    expect(ts.callsTo('saveSubscription', h.workflowId).map(([s]) => [s.licenses, s.revision])).toEqual([[10, 1]]);
    expect(ts.callsTo('recordStage', h.workflowId).map(([r]) => r.stage)).toEqual(['licenses-adjusted']);
    expect(ts.callsTo('sendEmail', h.workflowId).map(([m]) => m.kind)).toEqual(['subscription-changed']);
  });

  it('still inside at its last minute; refused (LicenseDecreaseOutsideWindow) once it has closed, while increases go on', async () => {
    await at(7 * DAY - 60_000);
    expect((await change(9)).licenses).toBe(9);
    await at(7 * DAY + 60_000);
    const refused = await refusal(change(8));
    expect(refused.type).toBe(SubscriptionFailure.DecreaseOutsideWindow);
    expect(refused.details).toEqual([{ cancellationWindowEndsAt: new Date(purchasedAt + 7 * DAY).toISOString() }]);
    expect(refused.message).toMatch(/only in the 7 days after purchase or renewal/);
    expect((await h.query(subscriptionStateQuery)).licenses).toBe(9);
    expect((await change(12)).licenses).toBe(12);
    expect(ts.callsTo('saveSubscription', h.workflowId).map(([s]) => s.licenses)).toEqual([10, 12]);
    expect(ts.callsTo('saveLicenseDecrease', h.workflowId).map(([s]) => s.licenses)).toEqual([9]);
  });

  it('opens again after each renewal (one billing period later), for 7 days', async () => {
    await at(20 * DAY);
    expect((await refusal(change(8))).type).toBe(SubscriptionFailure.DecreaseOutsideWindow);
    await at(31 * DAY); // renewed at day 30
    const state = await change(8);
    expect(state.licenses).toBe(8);
    await at(38 * DAY);
    const refused = await refusal(change(7));
    expect(refused.type).toBe(SubscriptionFailure.DecreaseOutsideWindow);
    expect(refused.details).toEqual([{ cancellationWindowEndsAt: new Date(purchasedAt + 37 * DAY).toISOString() }]);
    await at(61 * DAY); // second renewal
    expect((await change(7)).licenses).toBe(7);
  });

  it('never below the licenses assigned to users, even inside the window', async () => {
    ts.stub('saveLicenseDecrease', async (s) => {
      if (s.licenses < 9) throw ApplicationFailure.nonRetryable('9 assigned', SubscriptionFailure.BelowAssigned, { assigned: 9 });
    });
    await at(1 * DAY);
    const refused = await refusal(change(8));
    expect(refused.type).toBe(SubscriptionFailure.BelowAssigned);
    expect(await h.query(subscriptionStateQuery)).toMatchObject({ licenses: 10, changes: 0 });
    expect((await change(9)).licenses).toBe(9);
  });

  it('changes one at a time: a change sent while a decrease is being stored waits for it, then is checked against it', async () => {
    let release!: () => void;
    const stored = new Promise<void>((r) => (release = r));
    ts.stub('saveLicenseDecrease', async () => stored);
    await at(1 * DAY);
    const down = change(6);
    await ts.eventually(() => ts.callsTo('saveLicenseDecrease', h.workflowId).length === 1, 'the decrease to be storing');
    // accepted one after the other (the validator sees 10 licenses still), they take their turns in that order
    const sameHandle = await h.startUpdate(changeLicensesUpdate, { args: [{ licenses: 6, by: 'customer' }], waitForStage: WorkflowUpdateStage.ACCEPTED });
    const same = refusal(sameHandle.result());
    const up = change(7);
    await new Promise((r) => setTimeout(r, 500));
    expect(ts.callsTo('saveSubscription', h.workflowId)).toHaveLength(1); // nothing stored while the decrease is
    release();
    expect((await down).licenses).toBe(6);
    expect((await same).type).toBe(SubscriptionFailure.Unchanged);
    expect((await up).licenses).toBe(7);
    expect(ts.callsTo('saveSubscription', h.workflowId).map(([s]) => [s.licenses, s.revision])).toEqual([
      [10, 1],
      [7, 3],
    ]);
  });
});

describe('the price preview query', () => {
  it("prorates to the end of the current period and tells whether a decrease is allowed (as of the workflow's last task)", async () => {
    await at(15 * DAY);
    await change(11); // a workflow task at day 15
    const mid = await h.query(pricePreviewQuery, 13);
    expect(mid).toMatchObject({
      currentLicenses: 11,
      newLicenses: 13,
      currency: 'USD',
      decreaseAllowed: false,
      periodStartsAt: new Date(purchasedAt).toISOString(),
      periodEndsAt: new Date(purchasedAt + 30 * DAY).toISOString(),
      cancellationWindowEndsAt: new Date(purchasedAt + 7 * DAY).toISOString(),
    });
    expect(mid.proratedAmount).toBe(1250); // +2 × 1250 × 15/30
    expect((await h.query(pricePreviewQuery, 9)).proratedAmount).toBe(-1250);

    await at(33 * DAY);
    await change(12); // renewed at day 30: the second period, 27 days left, its window open
    expect(await h.query(pricePreviewQuery, 10)).toMatchObject({
      decreaseAllowed: true,
      proratedAmount: -2250, // -2 × 1250 × 27/30
      periodStartsAt: new Date(purchasedAt + 30 * DAY).toISOString(),
      periodEndsAt: new Date(purchasedAt + 60 * DAY).toISOString(),
      cancellationWindowEndsAt: new Date(purchasedAt + 37 * DAY).toISOString(),
    });
  });

  // A query cannot move the workflow's clock: with nothing happening since the purchase, the workflow's
  // own time on day 20 is still the purchase's. The preview is priced at the time the caller gives.
  it('answers as of the time the caller asks, even when the workflow has had no task since', async () => {
    await at(20 * DAY);
    const late = await h.query(pricePreviewQuery, 8, await ts.now());
    expect(late).toMatchObject({ decreaseAllowed: false, proratedAmount: -833 }); // -2 × 1250 × 10/30
    expect((await refusal(change(8))).type).toBe(SubscriptionFailure.DecreaseOutsideWindow); // the update agrees
  });
});

describe('renewals', () => {
  const stages = () => ts.callsTo('recordStage', h.workflowId).map(([r]) => r.stage);
  const mails = () => ts.callsTo('sendEmail', h.workflowId).map(([m]) => m.kind);
  const lastStored = () => ts.callsTo('saveSubscription', h.workflowId).at(-1)![0];

  it('renews at the end of each billing period: stored, on the timeline, the partner of record told', async () => {
    expect(lastStored()).toMatchObject({ autoRenew: true, renewals: 0, periodEndsAt: iso(30 * DAY) });
    await at(30 * DAY + 60_000);
    await ts.eventually(() => mails().includes('subscription-renewed'), 'the renewal');
    expect(lastStored()).toMatchObject({ status: 'active', renewals: 1, periodEndsAt: iso(60 * DAY), revision: 2 });
    const [stage] = ts.callsTo('recordStage', h.workflowId).map(([r]) => r);
    expect(stage).toMatchObject({ stage: 'subscription-renewed', n: 1, detail: expect.stringContaining(`until ${iso(60 * DAY)}`) });
    await at(60 * DAY + 60_000);
    await ts.eventually(() => mails().filter((k) => k === 'subscription-renewed').length === 2, 'the second renewal');
    expect(await h.query(subscriptionStateQuery)).toMatchObject({ status: 'active', renewals: 2, periodEndsAt: iso(90 * DAY) });
    // each renewal is its own timeline entry and e-mail (keys differ)
    const keys = ts.callsTo('sendEmail', h.workflowId).map(([m]) => m.key);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('set not to renew, it ends at the end of the period: stored as cancelled, on the timeline, the partner of record told', async () => {
    await at(3 * DAY);
    expect(await setRenewal(false)).toMatchObject({ autoRenew: false, periodEndsAt: iso(30 * DAY) });
    expect(lastStored()).toMatchObject({ autoRenew: false, status: 'active' });
    expect(ts.callsTo('recordAuditEvent', h.workflowId).map(([e]) => [e.action, e.details])).toEqual([
      ['subscription.renewal-changed', { customerId: expect.any(String), autoRenew: false }],
    ]);
    expect(mails()).toEqual(['subscription-renewal-changed']);
    expect((await setRenewal(false)).autoRenew).toBe(false); // the same again: nothing more
    expect(mails()).toEqual(['subscription-renewal-changed']);

    await at(30 * DAY + 60_000);
    const ended = await h.result();
    expect(ended).toMatchObject({ status: 'cancelled', endedAt: iso(30 * DAY), renewals: 0 });
    expect(lastStored()).toMatchObject({ status: 'cancelled', endedAt: iso(30 * DAY) });
    expect(stages()).toEqual(['subscription-ended']);
    expect(mails()).toEqual(['subscription-renewal-changed', 'subscription-ended']);
  });

  it('set back to renew before the end, it renews as ever, and may be set not to renew again', async () => {
    await at(2 * DAY);
    await setRenewal(false);
    await at(10 * DAY);
    expect((await setRenewal(true)).autoRenew).toBe(true);
    await at(30 * DAY + 60_000);
    await ts.eventually(() => stages().includes('subscription-renewed'), 'the renewal');
    expect(lastStored()).toMatchObject({ status: 'active', autoRenew: true, renewals: 1 });
    await setRenewal(false);
    await at(60 * DAY + 60_000);
    expect(await h.result()).toMatchObject({ status: 'cancelled', endedAt: iso(60 * DAY) });
  });

  it('once it has ended, a license change finds no subscription to change, and nothing more is stored', async () => {
    await setRenewal(false);
    await at(30 * DAY + 60_000);
    await h.result();
    await expect(change(12)).rejects.toThrow();
    expect(ts.callsTo('saveSubscription', h.workflowId).map(([s]) => s.licenses)).toEqual([10, 10, 10]);
  });
});
