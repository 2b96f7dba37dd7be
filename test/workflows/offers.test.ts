import type { WorkflowHandle } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { OfferFailure } from '../../workflows/offers/failures';
import { OnboardingFailure } from '../../workflows/onboarding/failures';
import { onboardingStateQuery } from '../../workflows/onboarding/messages';
import { onboardingWorkflowId } from '../../workflows/onboarding/start';
import { acceptOfferUpdate, declineOfferUpdate, supersedeOfferSignal } from '../../workflows/offers/messages';
import { offerStart } from '../../workflows/offers/start';
import type { OfferInput } from '../../workflows/offers/types';
import { offerWorkflow } from '../../workflows/offers/workflow';
import { useTimeSkipping } from '../support/time-skipping';
import { DAY, expectNear, HOUR, offerInput, refusal } from './inputs';

// An offer's one timer: it expires at its expiresAt (30 days after sending by default, set by the API).
const ts = useTimeSkipping();

const near = expectNear;
const start = (input: OfferInput) => ts.start(offerWorkflow, offerStart(input));
const saved = (h: WorkflowHandle) => ts.callsTo('saveOfferRecipient', h.workflowId).map(([s]) => s.status);
const until = async (t: number) => ts.sleep(t - (await ts.now()));
const sent = async (h: WorkflowHandle) => ts.eventually(() => ts.callsTo('sendEmail', h.workflowId).length === 1, 'the offer sent');

describe('an offer', () => {
  it('expires at its expiresAt when nobody answered, stored as expired', async () => {
    const expiresAt = (await ts.now()) + 30 * DAY;
    const input = offerInput(expiresAt);
    const h = await start(input);
    const final = await h.result();
    expect(final).toMatchObject({ status: 'expired', endedBy: 'system' });
    near(final.endedAt, expiresAt);
    expect(saved(h)).toEqual(['sent', 'expired']);
    expect(ts.callsTo('sendEmail', h.workflowId).map(([m]) => [m.kind, m.to])).toEqual([['offer-sent', input.customerEmail]]);
    expect(ts.callsTo('announceOfferToOnboarding', h.workflowId).map(([o]) => o.offerId)).toEqual([input.offerId]);
    expect(ts.callsTo('purchaseThroughOnboarding', h.workflowId)).toEqual([]);
  });

  it('accepted an hour before it expires: bought through the onboarding, never expired', async () => {
    const expiresAt = (await ts.now()) + 14 * DAY;
    const input = offerInput(expiresAt);
    const h = await start(input);
    await sent(h);
    await until(expiresAt - HOUR);
    const accepted = await h.executeUpdate(acceptOfferUpdate, { args: [{ licenses: { 'BUS-STD': 12 }, by: 'customer' }] });
    expect(accepted).toMatchObject({ status: 'accepted', endedBy: 'customer', items: [{ sku: 'BUS-STD', licenses: 12 }] });
    const purchases = ts.callsTo('purchaseThroughOnboarding', h.workflowId);
    expect(purchases.map(([partnerId, customerId, r]) => [partnerId, customerId, r.offerId, r.items.map((i) => i.licenses)])).toEqual([
      [input.partnerId, input.customerId, input.offerId, [12]],
    ]);
    await ts.sleep(2 * HOUR);
    const final = await h.result();
    expect(final.status).toBe('accepted');
    expect(saved(h)[0]).toBe('sent');
    expect(new Set(saved(h).slice(1))).toEqual(new Set(['accepted']));
  });

  // The acceptance marks the offer accepted while it buys; a refused purchase puts it back to sent,
  // and the flow keeps waiting for its expiry (before 'offer-open-while-buying' it ended there, still sent).
  it('a refused purchase (the customer is not onboarding) leaves it open: it still expires on time', async () => {
    const expiresAt = (await ts.now()) + 7 * DAY;
    const h = await start(offerInput(expiresAt));
    await sent(h);
    ts.stub('purchaseThroughOnboarding', async () => {
      throw ApplicationFailure.nonRetryable('the customer is not onboarding with this partner', OfferFailure.NotOnboarding);
    });
    await ts.sleep(DAY);
    expect((await refusal(h.executeUpdate(acceptOfferUpdate, { args: [{ by: 'customer' }] }))).type).toBe(OfferFailure.NotOnboarding);
    expect((await h.describe()).status.name).toBe('RUNNING'); // still open: it may be accepted again
    const final = await h.result();
    expect(final.status).toBe('expired');
    near(final.endedAt, expiresAt);
  });

  it('declined or superseded before it expires: it ends so at once, and does not expire afterwards', async () => {
    const expiresAt = (await ts.now()) + 30 * DAY;
    const declined = await start(offerInput(expiresAt));
    const superseded = await start(offerInput(expiresAt));
    await sent(declined);
    await sent(superseded);
    await ts.sleep(3 * DAY);
    await declined.executeUpdate(declineOfferUpdate, { args: [{ by: 'customer' }] });
    await superseded.signal(supersedeOfferSignal, { byOfferId: 'off_newer' });
    expect(await declined.result()).toMatchObject({ status: 'declined', endedBy: 'customer' });
    expect(await superseded.result()).toMatchObject({ status: 'superseded', supersededBy: 'off_newer' });
    expect(saved(declined).pop()).toBe('declined');
    expect(saved(superseded)).toEqual(['sent', 'superseded']);
  });
});

describe('a published offer someone joins through (joining)', () => {
  const joiner = (input: OfferInput) =>
    ({
      mode: 'create',
      customerId: input.customerId,
      name: 'Wingtip',
      domain: 'wingtip.example',
      contact: { name: 'Wanda', email: 'wanda@wingtip.example' },
    }) as const;

  it('nobody joined before it expired: it ends having stored, announced and e-mailed nothing', async () => {
    const h = await start(offerInput((await ts.now()) + 7 * DAY, { joining: true }));
    const final = await h.result();
    expect(final.status).toBe('sent');
    expect(saved(h)).toEqual([]);
    expect(ts.callsTo('announceOfferToOnboarding', h.workflowId)).toEqual([]);
    expect(ts.callsTo('sendEmail', h.workflowId)).toEqual([]);
  });

  // Last of those that skip time: the time-skipping test server keeps a time lock when an abandoned child (the onboarding) outlives its parent.
  it('stores nothing until its acceptance makes the customer the partner’s; then it is sent, accepted and bought, and e-mails no offer', async () => {
    const expiresAt = (await ts.now()) + 30 * DAY;
    const input = offerInput(expiresAt, { joining: true });
    const h = await start(input);
    await ts.sleep(HOUR);
    expect(saved(h)).toEqual([]);
    const onboarding = onboardingWorkflowId(input.partnerId, input.customerId);
    ts.cleanUp(onboarding);
    const accepted = await h.executeUpdate(acceptOfferUpdate, { args: [{ by: 'customer', join: joiner(input) }] });
    expect(accepted).toMatchObject({ status: 'accepted', customerCreated: true, subscriptions: [{ sku: 'BUS-STD', licenses: 10 }] });
    expect(ts.callsTo('registerCustomer', h.workflowId).map(([r]) => [r.mode, r.customerId, r.cloud])).toEqual([['create', input.customerId, 'global']]);
    // its onboarding (no trial, ending unless bought by the offer's expiry) took the purchase's announcement
    const started = await ts.client.workflow.getHandle(onboarding).query(onboardingStateQuery);
    expect([started.stage, started.trialEndsAt]).toEqual(['offer-sent', undefined]);
    expect(ts.callsTo('announceOfferToOnboarding', h.workflowId).map(([o]) => o.customerId)).toEqual([input.customerId]);
    expect(ts.callsTo('purchaseThroughOnboarding', h.workflowId)).toHaveLength(1);
    expect(ts.callsTo('sendEmail', h.workflowId)).toEqual([]);
    const final = await h.result();
    expect(final.status).toBe('accepted');
    expect(saved(h)[0]).toBe('sent');
    expect(new Set(saved(h).slice(1))).toEqual(new Set(['accepted']));
    // (the purchase is a stub here: the onboarding never heard of it, and ends unbought when the offer expires)
    const ended = await ts.client.workflow.getHandle(onboarding).result();
    expect(ended.timeline.map((t: { stage: string }) => t.stage)).toEqual(['offer-sent', 'cancelled']);
  });

  it('a refused join (the domain is taken) goes to the caller, and the offer ends having stored nothing', async () => {
    const input = offerInput((await ts.now()) + 7 * DAY, { joining: true });
    const h = await start(input);
    ts.stub('registerCustomer', async () => {
      throw ApplicationFailure.nonRetryable('a customer with the domain wingtip.example already exists', OnboardingFailure.CustomerExists);
    });
    expect((await refusal(h.executeUpdate(acceptOfferUpdate, { args: [{ by: 'customer', join: joiner(input) }] }))).type).toBe(
      OnboardingFailure.CustomerExists,
    );
    expect((await h.result()).status).toBe('sent');
    expect(saved(h)).toEqual([]);
    expect(ts.callsTo('purchaseThroughOnboarding', h.workflowId)).toEqual([]);
  });

  it('an acceptance that does not say who joins is refused', async () => {
    const h = await start(offerInput((await ts.now()) + 7 * DAY, { joining: true }));
    expect((await refusal(h.executeUpdate(acceptOfferUpdate, { args: [{ by: 'customer' }] }))).type).toBe(OfferFailure.NotOnboarding);
    await h.terminate();
  });
});
