import type { WorkflowHandle } from '@temporalio/client';
import { SubscriptionFailure } from '../../workflows/subscriptions/failures';
import {
  answerPartnerOfRecordChangeUpdate,
  changeLicensesUpdate,
  removePartnerOfRecordUpdate,
  requestPartnerOfRecordChangeUpdate,
  setRenewalUpdate,
  subscriptionStateQuery,
} from '../../workflows/subscriptions/messages';
import { subscriptionStart } from '../../workflows/subscriptions/start';
import type { SubscriptionInput } from '../../workflows/subscriptions/types';
import { subscriptionWorkflow } from '../../workflows/subscriptions/workflow';
import { DEFAULT_PARTNER_OF_RECORD_ANSWER_MS } from '../../workflows/durations';
import { useTimeSkipping } from '../support/time-skipping';
import { DAY, refusal, subscriptionInput } from './inputs';

// A subscription's partner of record (issue 15): told of every change by e-mail and lifecycle event;
// the customer asks another partner to take it over (that partner accepts, declines or lets it lapse:
// 30 days by default, with real durations on the time-skipping server) or removes it.
const ts = useTimeSkipping();

let input: SubscriptionInput;
let h: WorkflowHandle<typeof subscriptionWorkflow>;
const other = { partnerId: 'par_other', email: 'admin@other.example' };
let n = 0;
beforeEach(async () => {
  input = subscriptionInput(await ts.now());
  h = await ts.start(subscriptionWorkflow, { ...subscriptionStart(input) });
  await ts.eventually(() => ts.callsTo('saveSubscription', h.workflowId).length === 1, 'the subscription to be stored');
});

const ask = (to = other, requestId = `por_${++n}`, answerWithinMs = DEFAULT_PARTNER_OF_RECORD_ANSWER_MS) =>
  h.executeUpdate(requestPartnerOfRecordChangeUpdate, { args: [{ requestId, to, answerWithinMs }] });
const answer = (requestId: string, accept: boolean, partnerId = other.partnerId) =>
  h.executeUpdate(answerPartnerOfRecordChangeUpdate, { args: [{ requestId, partnerId, accept }] });
const remove = () => h.executeUpdate(removePartnerOfRecordUpdate, { args: [{}] });
const change = (licenses: number) => h.executeUpdate(changeLicensesUpdate, { args: [{ licenses, by: 'customer' }] });
const mails = () => ts.callsTo('sendEmail', h.workflowId).map(([m]) => [m.kind, m.to, m.partnerId]);
const events = () => ts.callsTo('publishEvent', h.workflowId).map(([e]) => [e.type, e.partnerId, e.data.change ?? null]);
const requests = () => ts.callsTo('savePartnerOfRecordRequest', h.workflowId).map(([r]) => [r.status, r.revision]);
const lastStored = () => ts.callsTo('saveSubscription', h.workflowId).at(-1)![0];

it('is the buying partner at first: the subscription is stored with it and it hears the creation', async () => {
  expect(lastStored()).toMatchObject({ partnerId: input.partnerId, partnerOfRecordId: input.partnerId });
  await ts.eventually(() => events().length === 1, 'the created event');
  const created = ts.callsTo('publishEvent', h.workflowId)[0]![0];
  expect(created).toMatchObject({
    type: 'subscription.created',
    partnerId: input.partnerId,
    customerId: input.customerId,
    subject: { kind: 'subscription', id: input.subscriptionId },
    data: { subscriptionId: input.subscriptionId, customerId: input.customerId, sku: 'BUS-STD', licenses: 10, status: 'active', convertedTrial: false },
  });
  expect(created.key).toBe(`${h.workflowId}|created|subscription.created`);
  await change(12);
  expect(events().at(-1)).toEqual(['subscription.changed', input.partnerId, 'licenses']);
  expect(ts.callsTo('publishEvent', h.workflowId).at(-1)![0].data).toMatchObject({ from: 10, to: 12, licenses: 12 });
});

it('accepted: the asked partner becomes the partner of record; both are told; later changes go to the new one only', async () => {
  const requestId = 'por_accepted';
  const asked = await ask(other, requestId);
  expect(asked.pendingPartnerOfRecordChange).toMatchObject({ requestId, to: other, from: { partnerId: input.partnerId } });
  expect(requests()).toEqual([['pending', 1]]);
  expect(mails()).toEqual([['partner-of-record-requested', other.email, other.partnerId]]);
  // a second request while one waits is refused; so is the present partner
  expect((await refusal(ask(other, 'por_again'))).type).toBe(SubscriptionFailure.PartnerOfRecordChangePending);
  // another partner cannot answer a request not addressed to it
  expect((await refusal(answer(requestId, true, 'par_intruder'))).type).toBe(SubscriptionFailure.PartnerOfRecordRequestNotPending);

  const accepted = await answer(requestId, true);
  expect(accepted).toMatchObject({ partnerOfRecord: other, lastPartnerOfRecordRequest: { requestId, status: 'accepted' } });
  expect(accepted.pendingPartnerOfRecordChange).toBeUndefined();
  expect(lastStored()).toMatchObject({ partnerId: input.partnerId, partnerOfRecordId: other.partnerId });
  expect(requests()).toEqual([
    ['pending', 1],
    ['accepted', 2],
  ]);
  expect(mails().slice(1)).toEqual([
    ['partner-of-record-changed', input.partnerEmail, input.partnerId],
    ['partner-of-record-changed', other.email, other.partnerId],
  ]);
  expect(ts.callsTo('recordStage', h.workflowId).map(([r]) => r.stage)).toEqual(['partner-of-record-changed']);
  expect(ts.callsTo('recordAuditEvent', h.workflowId).map(([e]) => [e.action, e.partnerId])).toEqual([
    ['subscription.partner-of-record-change-requested', other.partnerId],
    ['partner-of-record-request.accepted', other.partnerId],
    ['subscription.partner-of-record-changed', input.partnerId],
  ]);
  // the old partner hears of its removal, the new one of its arrival (each an event of its own)
  await ts.eventually(() => events().length === 3, 'the change events');
  expect(events().slice(1)).toEqual([
    ['subscription.changed', input.partnerId, 'partner-of-record'],
    ['subscription.changed', other.partnerId, 'partner-of-record'],
  ]);
  const keys = ts.callsTo('publishEvent', h.workflowId).map(([e]) => e.key);
  expect(new Set(keys).size).toBe(keys.length);
  // the same answer again (a retry) meets its result; a refusal once answered
  expect((await answer(requestId, true)).partnerOfRecord).toEqual(other);
  expect((await refusal(answer(requestId, false))).type).toBe(SubscriptionFailure.PartnerOfRecordRequestNotPending);

  await change(11);
  await h.executeUpdate(setRenewalUpdate, { args: [{ autoRenew: false, by: 'customer' }] });
  expect(mails().slice(3)).toEqual([
    ['subscription-changed', other.email, other.partnerId],
    ['subscription-renewal-changed', other.email, other.partnerId],
  ]);
  expect(events().slice(3)).toEqual([
    ['subscription.changed', other.partnerId, 'licenses'],
    ['subscription.changed', other.partnerId, 'renewal'],
  ]);
  expect((await refusal(ask(other))).type).toBe(SubscriptionFailure.PartnerOfRecordUnchanged);
  // and it hears the end
  await ts.sleep(31 * DAY);
  expect(await h.result()).toMatchObject({ status: 'cancelled' });
  expect(events().at(-1)).toEqual(['subscription.cancelled', other.partnerId, null]);
});

it('declined: nothing changes; the partner of record still hears everything', async () => {
  await ask(other, 'por_declined');
  const declined = await answer('por_declined', false);
  expect(declined).toMatchObject({ partnerOfRecord: { partnerId: input.partnerId }, lastPartnerOfRecordRequest: { status: 'declined' } });
  expect(requests()).toEqual([
    ['pending', 1],
    ['declined', 2],
  ]);
  expect(ts.callsTo('recordAuditEvent', h.workflowId).map(([e]) => e.action)).toEqual([
    'subscription.partner-of-record-change-requested',
    'partner-of-record-request.declined',
  ]);
  await change(12);
  expect(mails()).toEqual([
    ['partner-of-record-requested', other.email, other.partnerId],
    ['subscription-changed', input.partnerEmail, input.partnerId],
  ]);
  expect(events().filter(([t]) => t === 'subscription.changed')).toEqual([['subscription.changed', input.partnerId, 'licenses']]);
  // another may be asked now
  expect((await ask(other, 'por_next')).pendingPartnerOfRecordChange?.requestId).toBe('por_next');
});

it('lapses unanswered after its duration (30 days by default): stored, the asked partner told, no answer taken after', async () => {
  await ts.sleep(DAY);
  await ask(other, 'por_lapsing');
  await ts.sleep(DEFAULT_PARTNER_OF_RECORD_ANSWER_MS - 60_000);
  expect((await h.query(subscriptionStateQuery)).pendingPartnerOfRecordChange?.requestId).toBe('por_lapsing');
  await ts.sleep(2 * 60_000);
  await ts.eventually(() => requests().length === 2, 'the lapse');
  expect(requests()).toEqual([
    ['pending', 1],
    ['lapsed', 2],
  ]);
  await ts.eventually(() => mails().some(([k]) => k === 'partner-of-record-request-lapsed'), 'the asked partner told');
  expect((await refusal(answer('por_lapsing', true))).type).toBe(SubscriptionFailure.PartnerOfRecordRequestNotPending);
  expect((await h.query(subscriptionStateQuery)).partnerOfRecord).toEqual({ partnerId: input.partnerId, email: input.partnerEmail });
});

it('removed: the old partner is told, then nobody hears of the changes; a partner may be asked again', async () => {
  await ask(other, 'por_withdrawn');
  const removed = await remove();
  expect(removed.partnerOfRecord).toBeNull();
  expect(lastStored()).toMatchObject({ partnerOfRecordId: null });
  expect(requests()).toEqual([
    ['pending', 1],
    ['withdrawn', 2],
  ]);
  expect((await remove()).partnerOfRecord).toBeNull(); // again: nothing more
  await ts.eventually(() => events().some(([t, , c]) => t === 'subscription.changed' && c === 'partner-of-record'), 'the removal event');
  const before = { mails: mails().length, events: events().length };
  expect(mails().map(([k, to]) => [k, to])).toEqual([
    ['partner-of-record-requested', other.email],
    ['partner-of-record-request-withdrawn', other.email],
    ['partner-of-record-changed', input.partnerEmail],
  ]);
  await change(12);
  expect(mails().length).toBe(before.mails);
  expect(events().length).toBe(before.events);
  expect(ts.callsTo('publishEvent', h.workflowId).at(-1)![0].data).toMatchObject({ change: 'partner-of-record', from: input.partnerId, to: null });
  await ask(other, 'por_after_removal');
  expect((await answer('por_after_removal', true)).partnerOfRecord).toEqual(other);
  await change(13);
  expect(mails().at(-1)).toEqual(['subscription-changed', other.email, other.partnerId]);
});

it('an acceptance and a removal that meet go one after the other: the asked partner hears it became, then stopped being, the partner of record', async () => {
  await ask(other, 'por_race');
  // the acceptance's first write takes a while: the removal arrives meanwhile
  ts.stub('savePartnerOfRecordRequest', () => new Promise((resolve) => setTimeout(() => resolve(undefined), 300)));
  const accepting = answer('por_race', true);
  await new Promise((resolve) => setTimeout(resolve, 100));
  const removed = await remove();
  expect((await accepting).partnerOfRecord).toEqual(other);
  expect(removed.partnerOfRecord).toBeNull();
  expect((await h.query(subscriptionStateQuery)).partnerOfRecord).toBeNull();
  const toOther = () =>
    ts
      .callsTo('sendEmail', h.workflowId)
      .filter(([m]) => m.to === other.email)
      .map(([m]) => m.subject);
  expect(toOther().slice(-2)).toEqual([expect.stringMatching(/^Now the partner of record/), expect.stringMatching(/^No longer the partner of record/)]);
  await ts.eventually(
    () => events().filter(([t, p]) => t === 'subscription.changed' && p === other.partnerId).length === 2,
    'both events to the asked partner',
  );
  const theirs = ts
    .callsTo('publishEvent', h.workflowId)
    .filter(([e]) => e.partnerId === other.partnerId)
    .map(([e]) => [e.data.from, e.data.to]);
  expect(theirs).toEqual([
    [input.partnerId, other.partnerId],
    [other.partnerId, null],
  ]);
});

it('renewals and the end are published to the partner of record, each under a step of its own; nothing once removed', async () => {
  await ts.sleep(30 * DAY + 60_000);
  await ts.eventually(() => events().some(([t]) => t === 'subscription.renewed'), 'the renewal event');
  const renewed = ts.callsTo('publishEvent', h.workflowId).find(([e]) => e.type === 'subscription.renewed')![0];
  expect(renewed).toMatchObject({ partnerId: input.partnerId, key: `${h.workflowId}|renewal:1|subscription.renewed`, data: { renewals: 1, licenses: 10 } });
  await remove();
  await ts.sleep(30 * DAY);
  await ts.eventually(async () => (await h.query(subscriptionStateQuery)).renewals === 2, 'the second renewal');
  expect(events().filter(([t]) => t === 'subscription.renewed')).toEqual([['subscription.renewed', input.partnerId, null]]);
  expect(mails().filter(([k]) => k === 'subscription-renewed')).toEqual([['subscription-renewed', input.partnerEmail, input.partnerId]]);
});
