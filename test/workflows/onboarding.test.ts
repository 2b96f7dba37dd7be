import type { WorkflowHandle } from '@temporalio/client';
import type { Email } from '../../activities/outbox/activities';
import { OnboardingFailure } from '../../workflows/onboarding/failures';
import { cancelTrialUpdate, offerSentUpdate, onboardingStateQuery, purchaseUpdate } from '../../workflows/onboarding/messages';
import { offerStateQuery } from '../../workflows/offers/messages';
import { offerStart } from '../../workflows/offers/start';
import { offerWorkflow } from '../../workflows/offers/workflow';
import { onboardingStart } from '../../workflows/onboarding/start';
import type { OnboardingInput } from '../../workflows/onboarding/types';
import { onboardingWorkflow } from '../../workflows/onboarding/workflow';
import { relationshipWorkflowId } from '../../workflows/delegated-admin/start';
import { subscriptionWorkflowId } from '../../workflows/subscriptions/start';
import { historyHas, useTimeSkipping } from '../support/time-skipping';
import { DAY, expectNear, HOUR, joiningOnboardingInput, ms, offerInput, onboardingInput, purchaseRequest, refusal } from './inputs';

// The trial's timers with the product's real durations (30-day trial, reminders 7 days and
// 1 day before its end, 30 days of grace), each running in well under a second.
const ts = useTimeSkipping();

const SEVEN_DAYS = `trial-reminder-${7 * DAY}`;
const ONE_DAY = `trial-reminder-${1 * DAY}`;

const emails = (h: WorkflowHandle) => ts.callsTo('sendEmail', h.workflowId).map(([m]) => m);
const kinds = (h: WorkflowHandle) => emails(h).map((m) => m.kind);
const email = (h: WorkflowHandle, kind: string): Email => {
  const m = emails(h).find((e) => e.kind === kind);
  if (!m) throw new Error(`no ${kind} e-mail; sent: ${kinds(h).join(', ')}`);
  return m;
};
const savedTrial = (h: WorkflowHandle) => ts.callsTo('saveSubscription', h.workflowId).map(([s]) => ({ status: s.status, licenses: s.licenses }));
const published = (h: WorkflowHandle) => ts.callsTo('publishCustomer', h.workflowId).map(([e]) => e.status);
const start = (input: OnboardingInput, taskQueue?: string) => ts.start(onboardingWorkflow, { ...onboardingStart(input), taskQueue });
/** The trial's end as the workflow computed it (from its first stored snapshot). */
const trialEnd = (h: WorkflowHandle) => ms(ts.callsTo('saveSubscription', h.workflowId)[0]![0].trialEndsAt!);
const near = expectNear;

describe('the trial runs its course', () => {
  it('reminds 7 days and 1 day before a 30-day trial ends, expires it, suspends it, removes it after the 30-day grace period', async () => {
    const t0 = await ts.now();
    const h = await start(onboardingInput());
    const final = await h.result();

    const end = ms(final.trialEndsAt!);
    near(end, t0 + 30 * DAY);
    expect(final).toMatchObject({ stage: 'removed', remindersSent: 2 });
    expect(kinds(h)).toEqual(['trial-started', SEVEN_DAYS, ONE_DAY, 'trial-suspended']);
    near(email(h, SEVEN_DAYS).at, end - 7 * DAY);
    near(email(h, ONE_DAY).at, end - 1 * DAY);
    expect(email(h, SEVEN_DAYS).subject).toMatch(/ends in 7 days$/);
    expect(email(h, ONE_DAY).subject).toMatch(/ends in 1 day$/);

    expect(final.timeline.map((t) => t.stage)).toEqual(['trial-active', 'trial-expired', 'suspended', 'removed']);
    const at = Object.fromEntries(final.timeline.map((t) => [t.stage, t.at]));
    near(at['trial-expired']!, end);
    near(at['suspended']!, end);
    near(email(h, 'trial-suspended').at, end);
    near(at['removed']!, end + 30 * DAY);
    expect(ts.callsTo('recordStage', h.workflowId).map(([r]) => r.stage)).toEqual(['trial-active', 'trial-expired', 'suspended', 'removed']);
    expect(savedTrial(h)).toEqual([
      { status: 'trial', licenses: 5 },
      { status: 'suspended', licenses: 5 },
      { status: 'removed', licenses: 0 },
    ]);
    expect(published(h)).toEqual(['trial', 'suspended', 'removed']);
  });

  it('is suspended, not removed, during the grace period', async () => {
    const h = await start(onboardingInput());
    await historyHas(h, 'EVENT_TYPE_TIMER_STARTED');
    const end = trialEnd(h);
    await ts.sleep(end + 29 * DAY - (await ts.now()));
    const state = await h.query(onboardingStateQuery);
    expect(state.stage).toBe('suspended');
    expect(savedTrial(h).pop()).toEqual({ status: 'suspended', licenses: 5 });
    await ts.sleep(2 * DAY);
    expect((await h.query(onboardingStateQuery)).stage).toBe('removed');
  });

  it('never sends a reminder whose moment is before the trial began (a 5-day trial gets only the 1-day one)', async () => {
    const h = await start(onboardingInput({ trial: { ...onboardingInput().trial, lengthMs: 5 * DAY } }));
    const final = await h.result();
    expect(final.remindersSent).toBe(1);
    expect(kinds(h)).toEqual(['trial-started', ONE_DAY, 'trial-suspended']);
    near(email(h, ONE_DAY).at, ms(final.trialEndsAt!) - DAY);
  });
});

describe('reminders whose moment passed while no worker ran the flow (late-trial-reminders)', () => {
  /**
   * The flow starts on a worker of its own and waits for its first reminder; the
   * worker stops; server time moves on to `resumeAt(trialEnd)`; a worker runs it again.
   */
  async function outage(resumeAt: (end: number) => number) {
    // no workflow cache: a cached flow's next task would go to this worker's sticky queue, and wait there
    const first = await ts.startWorker({ maxCachedWorkflows: 0 });
    const h = await start(onboardingInput(), first.taskQueue);
    await historyHas(h, 'EVENT_TYPE_TIMER_STARTED'); // waiting for the 7-day reminder
    await first.stop();
    const end = trialEnd(h);
    const resumed = resumeAt(end);
    await ts.skipWithoutWorker(h, resumed - (await ts.now()));
    expect(kinds(h)).toEqual(['trial-started']); // nothing ran meanwhile
    await ts.startWorker({ taskQueue: first.taskQueue });
    return { h, end, resumed };
  }

  it('sends a passed reminder late, while the trial lasts, and the next one on time', async () => {
    const { h, end, resumed } = await outage((end) => end - 5 * DAY);
    const final = await h.result();
    expect(final.remindersSent).toBe(2);
    expect(kinds(h)).toEqual(['trial-started', SEVEN_DAYS, ONE_DAY, 'trial-suspended']);
    near(email(h, SEVEN_DAYS).at, resumed); // late: 2 days after its moment
    near(email(h, ONE_DAY).at, end - DAY);
  });

  it('when a later reminder is due as well, sends only that one', async () => {
    const { h, resumed } = await outage((end) => end - 12 * HOUR);
    const final = await h.result();
    expect(final.remindersSent).toBe(1);
    expect(kinds(h)).toEqual(['trial-started', ONE_DAY, 'trial-suspended']);
    near(email(h, ONE_DAY).at, resumed);
  });

  it('sends none once the trial is over: it expires at once, the grace period counted from then', async () => {
    const { h, end, resumed } = await outage((end) => end + 2 * DAY);
    const final = await h.result();
    expect(final.remindersSent).toBe(0);
    expect(kinds(h)).toEqual(['trial-started', 'trial-suspended']);
    const at = Object.fromEntries(final.timeline.map((t) => [t.stage, t.at]));
    near(at['trial-expired']!, resumed);
    expect(ms(at['trial-expired']!)).toBeGreaterThan(end);
    near(at['removed']!, resumed + 30 * DAY);
  });
});

describe('buying or cancelling before the end', () => {
  it('a purchase after the first reminder converts the trial: no more reminders, no expiry, onboarded', async () => {
    const input = onboardingInput();
    const h = await start(input);
    await historyHas(h, 'EVENT_TYPE_TIMER_STARTED');
    const end = trialEnd(h);
    await ts.sleep(end - 5 * DAY - (await ts.now())); // past the 7-day reminder
    expect(kinds(h)).toEqual(['trial-started', SEVEN_DAYS]);

    const request = purchaseRequest(input);
    ts.cleanUp(subscriptionWorkflowId(input.trial.subscriptionId));
    const bought = await h.executeUpdate(purchaseUpdate, { args: [request] });
    expect(bought.subscriptions).toEqual([{ subscriptionId: input.trial.subscriptionId, sku: input.trial.sku, licenses: 10, convertedTrial: true }]);

    await ts.sleep(end + 60 * DAY - (await ts.now())); // well past the trial's end and its grace period
    const state = await h.query(onboardingStateQuery);
    expect(state).toMatchObject({ stage: 'onboarded', remindersSent: 1 });
    expect(state.timeline.map((t) => t.stage)).toEqual(['trial-active', 'purchased', 'onboarded']);
    expect(kinds(h)).toEqual(['trial-started', SEVEN_DAYS, `purchased-${request.offerId}`]);
    expect(savedTrial(h)).toEqual([{ status: 'trial', licenses: 5 }]); // the subscription workflow owns it now
    expect(published(h)).toEqual(['trial', 'active', 'active']);
    // the paid subscription runs as a workflow of its own, from the trial's subscription
    const subscription = ts.callsTo('saveSubscription', subscriptionWorkflowId(input.trial.subscriptionId));
    expect(subscription.map(([s]) => ({ status: s.status, licenses: s.licenses, revision: s.revision }))[0]).toEqual({
      status: 'active',
      licenses: 10,
      revision: 2,
    });
    // the rest (the test server's clock runs on while the test waits) are its renewals, one a billing period
    expect(subscription.map(([s]) => s.renewals)).toEqual(subscription.map((_, i) => i));
  });

  it('the customer cancels its trial: it ends at once as cancelled, the trial removed, no reminder sent', async () => {
    const h = await start(onboardingInput());
    await ts.sleep(3 * DAY);
    const state = await h.executeUpdate(cancelTrialUpdate, { args: [{ by: 'customer' }] });
    expect(state.stage).toBe('cancelled');
    const final = await h.result();
    expect(final).toMatchObject({ stage: 'cancelled', remindersSent: 0 });
    expect(final.timeline.map((t) => t.stage)).toEqual(['trial-active', 'cancelled']);
    expect(kinds(h)).toEqual(['trial-started']);
    expect(savedTrial(h)).toEqual([
      { status: 'trial', licenses: 5 },
      { status: 'removed', licenses: 0 },
    ]);
    expect(published(h)).toEqual(['trial', 'removed']);
  });

  it('a suspended trial may still be cancelled: it is not removed by the grace period afterwards', async () => {
    const h = await start(onboardingInput());
    await historyHas(h, 'EVENT_TYPE_TIMER_STARTED');
    await ts.sleep(trialEnd(h) + 2 * DAY - (await ts.now()));
    expect((await h.query(onboardingStateQuery)).stage).toBe('suspended');
    await h.executeUpdate(cancelTrialUpdate, { args: [{ by: 'customer' }] });
    const final = await h.result();
    expect(final.timeline.map((t) => t.stage)).toEqual(['trial-active', 'trial-expired', 'suspended', 'cancelled']);
  });

  it('a bought trial cannot be cancelled; a cancelled one cannot be bought', async () => {
    const input = onboardingInput();
    const bought = await start(input);
    ts.cleanUp(subscriptionWorkflowId(input.trial.subscriptionId));
    await bought.executeUpdate(purchaseUpdate, { args: [purchaseRequest(input)] });
    expect((await refusal(bought.executeUpdate(cancelTrialUpdate, { args: [{ by: 'customer' }] }))).type).toBe(OnboardingFailure.AlreadyPurchased);

    const other = onboardingInput();
    const cancelled = await start(other);
    // the cancellation is stored at the flow's next wait; a purchase asked meanwhile is refused
    const cancelling = cancelled.executeUpdate(cancelTrialUpdate, { args: [{ by: 'customer' }] });
    await ts.eventually(async () => (await cancelled.query(onboardingStateQuery)).stage === 'cancelled', 'the cancellation');
    expect((await refusal(cancelled.executeUpdate(purchaseUpdate, { args: [purchaseRequest(other)] }))).type).toBe(OnboardingFailure.Ended);
    await cancelling;
  });
});

describe('delegated administration asked with the trial', () => {
  it('a purchase waits for the pending request; the request lapsing after 90 days lets the onboarding finish', async () => {
    const input = onboardingInput();
    const relationshipId = `rel_${input.customerId}`;
    const h = await start({
      ...input,
      delegatedAdmin: {
        relationshipId,
        agreed: false,
        partnerEmail: 'admin@partner.example',
        durationMs: 730 * DAY,
        autoExtend: false,
        extensionMs: 180 * DAY,
        approvalTimeoutMs: 90 * DAY,
        noticeMs: 7 * DAY,
      },
    });
    ts.cleanUp(relationshipWorkflowId(relationshipId));
    ts.cleanUp(subscriptionWorkflowId(input.trial.subscriptionId));
    await h.executeUpdate(purchaseUpdate, { args: [purchaseRequest(input)] });
    await ts.eventually(async () => (await h.query(onboardingStateQuery)).stage === 'awaiting-delegated-admin', 'awaiting delegated admin');

    await ts.sleep(89 * DAY);
    expect((await h.query(onboardingStateQuery)).stage).toBe('awaiting-delegated-admin');
    await ts.sleep(2 * DAY);
    const state = await h.query(onboardingStateQuery);
    expect(state).toMatchObject({ stage: 'onboarded', delegatedAdmin: { relationshipId, status: 'not-granted' } });
    const relationship = ts.callsTo('saveRelationship', relationshipWorkflowId(relationshipId)).map(([r]) => r.status);
    expect(relationship).toEqual(['approval-pending', 'lapsed']);
  });
});

describe("the customer's open offers", () => {
  it('the newest announced offer supersedes the older ones: those the store knew of before, and one announced after it', async () => {
    const input = onboardingInput();
    const h = await start(input);
    const expiresAt = (await ts.now()) + 30 * DAY;
    const offer = (offerId: string) =>
      ts.start(offerWorkflow, { ...offerStart(offerInput(expiresAt, { offerId, partnerId: input.partnerId, customerId: input.customerId })) });
    const announce = (offerId: string) =>
      h.executeUpdate(offerSentUpdate, { args: [{ offerId, partnerId: input.partnerId, customerId: input.customerId, sentAt: new Date().toISOString() }] });
    const statusOf = (o: WorkflowHandle) => o.query(offerStateQuery).then((s) => s.status);
    // ids are time-ordered: a later id is a newer offer
    const [stored, newest, late] = [await offer('ofr_0002'), await offer('ofr_0003'), await offer('ofr_0001')];
    ts.stub('findOpenOffers', async () => [
      { offerId: 'ofr_0002', partnerId: input.partnerId, customerId: input.customerId, sentAt: new Date().toISOString() },
    ]);

    await announce('ofr_0003');
    await ts.eventually(async () => (await statusOf(stored)) === 'superseded', 'the stored open offer superseded');
    expect(await stored.query(offerStateQuery)).toMatchObject({ supersededBy: 'ofr_0003', endedBy: 'offer ofr_0003' });
    await announce('ofr_0001'); // older than the newest, announced after it: superseded at once
    await ts.eventually(async () => (await statusOf(late)) === 'superseded', 'the late older offer superseded');
    await announce('ofr_0003'); // again: nothing changes
    expect(await statusOf(newest)).toBe('sent');
    expect(ts.callsTo('findOpenOffers', h.workflowId)).toHaveLength(1); // the store is asked once
  });
});

describe('a customer that joins through a published offer (no trial)', () => {
  it('buys at once: onboarded, its subscriptions new, no trial saved, reminded or e-mailed', async () => {
    const input = joiningOnboardingInput((await ts.now()) + 30 * DAY);
    const h = await start(input);
    await ts.eventually(() => ts.callsTo('recordStage', h.workflowId).length === 1, 'joined');
    expect((await h.query(onboardingStateQuery)).trialEndsAt).toBeUndefined();
    const request = purchaseRequest(input);
    ts.cleanUp(subscriptionWorkflowId(request.items[0]!.subscriptionId));
    const bought = await h.executeUpdate(purchaseUpdate, { args: [request] });
    expect(bought.subscriptions).toEqual([{ subscriptionId: request.items[0]!.subscriptionId, sku: 'BUS-STD', licenses: 10, convertedTrial: false }]);
    await ts.eventually(async () => (await h.query(onboardingStateQuery)).stage === 'onboarded', 'onboarded');
    const state = await h.query(onboardingStateQuery);
    expect(state.timeline.map((t) => t.stage)).toEqual(['offer-sent', 'purchased', 'onboarded']);
    expect(state.timeline[0]!.detail).toBe(`joined through offer ${input.offerId}`);
    expect(kinds(h)).toEqual([`purchased-${request.offerId}`]);
    expect(savedTrial(h)).toEqual([]);
    expect(published(h)).toEqual(['active', 'active']);
    // its timeline is kept apart from an earlier onboarding of the same customer with the partner (same workflow id)
    expect(ts.callsTo('recordStage', h.workflowId).map(([r]) => r.key)).toEqual(Array(3).fill(`${h.workflowId}@${input.offerId}`));
    // there is no trial to cancel
    expect((await refusal(h.executeUpdate(cancelTrialUpdate, { args: [{ by: 'customer' }] }))).type).toBe(OnboardingFailure.Ended);
  });

  it("not bought by the offer's expiry: it ends as cancelled, never listed", async () => {
    const purchaseBy = (await ts.now()) + 7 * DAY;
    const input = joiningOnboardingInput(purchaseBy);
    const h = await start(input);
    const final = await h.result();
    expect(final.timeline.map((t) => t.stage)).toEqual(['offer-sent', 'cancelled']);
    near(final.timeline[1]!.at, purchaseBy);
    expect(published(h)).toEqual([]);
    expect(kinds(h)).toEqual([]);
    await expect(h.executeUpdate(purchaseUpdate, { args: [purchaseRequest(input)] })).rejects.toThrow(); // over: nothing more is bought
  });
});
