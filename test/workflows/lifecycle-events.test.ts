import { ApplicationFailure } from '@temporalio/common';
import { DelegatedAdminFailure } from '../../workflows/delegated-admin/failures';
import { acceptInvitationUpdate } from '../../workflows/invitations/messages';
import { invitationStart } from '../../workflows/invitations/start';
import { trialInvitationWorkflow } from '../../workflows/invitations/workflow';
import { OfferFailure } from '../../workflows/offers/failures';
import { acceptOfferUpdate, declineOfferUpdate, revokeOfferUpdate, supersedeOfferSignal } from '../../workflows/offers/messages';
import { offerStart } from '../../workflows/offers/start';
import type { OfferInput } from '../../workflows/offers/types';
import { offerWorkflow } from '../../workflows/offers/workflow';
import { purchaseUpdate } from '../../workflows/onboarding/messages';
import { onboardingStart, onboardingWorkflowId } from '../../workflows/onboarding/start';
import { onboardingWorkflow } from '../../workflows/onboarding/workflow';
import { subscriptionWorkflowId } from '../../workflows/subscriptions/start';
import { useTimeSkipping } from '../support/time-skipping';
import { DAY, invitationInput, ms, offerInput, onboardingInput, purchaseRequest, refusal } from './inputs';
import { expectKeysApart, published } from './published';

// The events the customer's way publishes: its invitation, its trial (onboarding) and its offers.
const ts = useTimeSkipping();

const events = (workflowId: string) => published(ts, workflowId);
const startOffer = (input: OfferInput) => ts.start(offerWorkflow, offerStart(input));
const offerSent = (workflowId: string) => ts.eventually(() => ts.callsTo('saveOfferRecipient', workflowId).length === 1, 'the offer stored');

describe('the trial (onboarding) publishes', () => {
  it('trial.started, trial.ending-soon 7 days and 1 day before its end, trial.expired; a later trial under the same workflow id is keyed apart', async () => {
    const input = onboardingInput();
    const h = await ts.start(onboardingWorkflow, onboardingStart(input));
    const final = await h.result();
    expect(final.stage).toBe('removed');
    const first = events(h.workflowId);
    expect(first.map((e) => [e.type, e.data.reminderOffsetSeconds])).toEqual([
      ['trial.started', undefined],
      ['trial.ending-soon', 7 * 86_400],
      ['trial.ending-soon', 86_400],
      ['trial.expired', undefined],
    ]);
    for (const e of first) {
      expect(e).toMatchObject({ partnerId: input.partnerId, customerId: input.customerId, subject: { kind: 'subscription', id: input.trial.subscriptionId } });
    }
    expect(first[0]!.data).toEqual({
      subscriptionId: input.trial.subscriptionId,
      customerId: input.customerId,
      sku: 'BUS-STD',
      licenses: 5,
      status: 'trial',
      trialEndsAt: final.trialEndsAt,
      invitationId: input.invitationId,
    });
    expect(first[3]!.data).toMatchObject({ status: 'suspended', trialEndsAt: final.trialEndsAt });
    expect(ms(first[3]!.data.removalAt as string)).toBe(ms(first[3]!.at) + input.gracePeriodMs);

    // the same customer and partner, a second trial later: the same workflow id, a run of its own
    const again = { ...input, trial: { ...input.trial, subscriptionId: `${input.trial.subscriptionId}_2`, lengthMs: 2 * DAY }, reminderOffsetsMs: [DAY] };
    const h2 = await ts.start(onboardingWorkflow, onboardingStart(again));
    expect(h2.workflowId).toBe(h.workflowId);
    await h2.result();
    const both = events(h.workflowId);
    expect(both.map((e) => e.type)).toEqual([...first.map((e) => e.type), 'trial.started', 'trial.ending-soon', 'trial.expired']);
    expectKeysApart(both);
  });

  it('a trial bought before its reminders: trial.started only, never ending soon or expired', async () => {
    const input = onboardingInput();
    const h = await ts.start(onboardingWorkflow, onboardingStart(input));
    ts.cleanUp(subscriptionWorkflowId(input.trial.subscriptionId));
    await ts.eventually(() => events(h.workflowId).length === 1, 'the trial started');
    await ts.sleep(DAY);
    await h.executeUpdate(purchaseUpdate, { args: [purchaseRequest(input)] });
    await ts.sleep(40 * DAY);
    expect(events(h.workflowId).map((e) => e.type)).toEqual(['trial.started']);
  });
});

describe('an offer publishes', () => {
  it('offer.accepted with the counts bought, their prices and totals; refused acceptances publish nothing', async () => {
    const now = await ts.now();
    const input = offerInput(now + 30 * DAY);
    input.items.push({ ...input.items[0]!, sku: 'ENT-E3', priceMinor: 3200, subscriptionId: `${input.items[0]!.subscriptionId}_e3` });
    const h = await startOffer(input);
    await offerSent(h.workflowId);
    const tooMany = refusal(h.executeUpdate(acceptOfferUpdate, { args: [{ licenses: { 'BUS-STD': 1000 }, by: 'customer' }] }));
    expect((await tooMany).type).toBe(OfferFailure.OutOfBounds);
    await h.executeUpdate(acceptOfferUpdate, { args: [{ licenses: { 'BUS-STD': 12 }, by: 'customer' }] });
    expect((await refusal(h.executeUpdate(acceptOfferUpdate, { args: [{ by: 'customer' }] }))).type).toBe(OfferFailure.NotOpen);
    await h.result();

    const [accepted, ...more] = events(h.workflowId);
    expect(more).toEqual([]);
    expect(accepted).toMatchObject({
      type: 'offer.accepted',
      partnerId: input.partnerId,
      customerId: input.customerId,
      subject: { kind: 'offer', id: input.offerId },
    });
    const usd = (amount: number) => ({ amount, currency: 'USD' });
    expect(accepted!.data).toMatchObject({
      offerId: input.offerId,
      customerId: input.customerId,
      status: 'accepted',
      items: [
        { sku: 'BUS-STD', licenses: 12, monthlyPricePerLicense: usd(1250), monthly: usd(15_000) },
        { sku: 'ENT-E3', licenses: 10, monthlyPricePerLicense: usd(3200), monthly: usd(32_000) },
      ],
      totals: { monthly: usd(47_000) },
      billingPeriodDays: 30,
      subscriptions: [
        { subscriptionId: input.items[0]!.subscriptionId, sku: 'BUS-STD', licenses: 12, convertedTrial: false },
        { subscriptionId: input.items[1]!.subscriptionId, sku: 'ENT-E3', licenses: 10, convertedTrial: false },
      ],
    });
  });

  it('a purchase the onboarding refuses publishes nothing; the offer still expires: offer.expired', async () => {
    const expiresAt = (await ts.now()) + 7 * DAY;
    const h = await startOffer(offerInput(expiresAt));
    await offerSent(h.workflowId);
    ts.stub('purchaseThroughOnboarding', async () => {
      throw ApplicationFailure.nonRetryable('the customer is not onboarding with this partner', OfferFailure.NotOnboarding);
    });
    expect((await refusal(h.executeUpdate(acceptOfferUpdate, { args: [{ by: 'customer' }] }))).type).toBe(OfferFailure.NotOnboarding);
    expect(events(h.workflowId)).toEqual([]);
    await h.result();
    expect(events(h.workflowId).map((e) => [e.type, e.data.status, e.data.endedAt !== undefined])).toEqual([['offer.expired', 'expired', true]]);
  });

  it('offer.declined when the customer declines; a revoked or superseded offer publishes nothing', async () => {
    const expiresAt = (await ts.now()) + 30 * DAY;
    const [declined, revoked, superseded] = await Promise.all([0, 1, 2].map(() => startOffer(offerInput(expiresAt))));
    await Promise.all([declined!, revoked!, superseded!].map((h) => offerSent(h.workflowId)));
    await declined!.executeUpdate(declineOfferUpdate, { args: [{ by: 'customer' }] });
    expect((await refusal(declined!.executeUpdate(declineOfferUpdate, { args: [{ by: 'customer' }] }))).type).toBe(OfferFailure.NotOpen);
    await revoked!.executeUpdate(revokeOfferUpdate, { args: [{ by: 'usr_partner_admin' }] });
    await superseded!.signal(supersedeOfferSignal, { byOfferId: 'off_newer' });
    // each stores its end (awaiting their results would let the server skip time to their expiry)
    const ended = (h: { workflowId: string }, status: string) =>
      ts.eventually(() => ts.callsTo('saveOfferRecipient', h.workflowId).some(([r]) => r.status === status), `the offer ${status}`);
    await Promise.all([ended(declined!, 'declined'), ended(revoked!, 'revoked'), ended(superseded!, 'superseded')]);
    expect(events(declined!.workflowId).map((e) => [e.type, e.data.status])).toEqual([['offer.declined', 'declined']]);
    expect(events(revoked!.workflowId)).toEqual([]);
    expect(events(superseded!.workflowId)).toEqual([]);
  });
});

// Last: an acceptance starts an onboarding that outlives the test's time skips.
describe('an invitation publishes', () => {
  it('invitation.accepted for each customer whose trial it starts; a repeat or a refused acceptance publishes nothing', async () => {
    const input = invitationInput();
    const h = await ts.start(trialInvitationWorkflow, invitationStart(input));
    const accept = (customerId: string, subscriptionId: string, agreed?: boolean) =>
      h.executeUpdate(acceptInvitationUpdate, {
        args: [
          {
            customer: {
              mode: 'create',
              customerId,
              name: `Tailspin ${customerId}`,
              domain: `${customerId}.example`,
              contact: { name: 'Tom', email: `tom@${customerId}.example` },
            },
            subscriptionId,
            ...(agreed === undefined ? {} : { delegatedAdmin: { agreed, relationshipId: `rel_${customerId}` } }),
          },
        ],
      });
    for (const c of ['cus_a', 'cus_b']) ts.cleanUp(onboardingWorkflowId(input.partnerId, c));
    expect(await accept('cus_a', 'sub_a')).toMatchObject({ started: true });
    expect(await accept('cus_a', 'sub_a_again')).toMatchObject({ started: false });
    expect((await refusal(accept('cus_c', 'sub_c', true))).type).toBe(DelegatedAdminFailure.NotOffered);
    expect(await accept('cus_b', 'sub_b')).toMatchObject({ started: true });

    const accepted = events(h.workflowId);
    expect(accepted).toEqual(
      ['cus_a', 'cus_b'].map((customerId) => ({
        type: 'invitation.accepted',
        partnerId: input.partnerId,
        customerId,
        subject: { kind: 'invitation', id: input.invitationId },
        data: {
          invitationId: input.invitationId,
          customerId,
          customerName: `Tailspin ${customerId}`,
          customerDomain: `${customerId}.example`,
          newCustomer: true,
          sku: 'BUS-STD',
          subscriptionId: `sub_${customerId.slice(4)}`,
          licenses: 5,
        },
        key: expect.any(String),
        at: expect.any(String),
      })),
    );
    expectKeysApart(accepted);
  });
});
