import { bearer, createPartner, type TestPartner } from '../support/partners';
import { eventually, type TestStack } from '../support/stack';
import { acceptOffer, sendOffer, trialCustomer } from '../support/flows';
import { useStackWithPartner } from '../support/use-stack';

/**
 * The lifecycle events of a whole chain, as the workflows record them for the partner's webhooks
 * (the `events` collection): invitation accepted → trial started → offer accepted → delegated
 * admin accepted → a service request opened, noted and closed (and the bought subscription's creation).
 * Each once, for the partner, in order.
 */
let stack: TestStack;
let p: TestPartner;
useStackWithPartner((s, partner) => {
  stack = s;
  p = partner;
});

it('a whole chain records its events once each, for its partner, in the order they happened', async () => {
  const c = await trialCustomer(stack, p);
  const offer = await sendOffer(stack, p, [c.id], [{ sku: 'BUS-STD', licenses: 10 }], { delegatedAdmin: { durationDays: 365 } });
  const bought = await acceptOffer(stack, offer.code, c.token, { licenses: { 'BUS-STD': 12 } });
  expect(bought.status).toBe(201);
  const relationshipId: string = bought.body.delegatedAdmin.relationshipId;
  const granted = await stack.http('POST', `/v1/customer/delegated-admin/${relationshipId}/accept`, undefined, bearer(c.token));
  expect(granted.status).toBe(200);
  const opened = await stack.http(
    'POST',
    '/v1/customer/service-requests',
    { partnerId: p.id, title: 'Mail does not arrive', description: 'Since Monday.', severity: 'moderate' },
    bearer(c.token),
  );
  expect(opened.status).toBe(201);
  const srq = `/v1/customer/service-requests/${opened.body.id}`;
  expect((await stack.http('POST', `${srq}/notes`, { text: 'Still nothing.' }, bearer(c.token))).status).toBe(200);
  expect((await stack.http('POST', `${srq}/status`, { status: 'attention-needed' }, bearer(c.token))).status).toBe(200);

  // the answers come before some of the events are written (the onboarding's, and those after an update's answer)
  const expected = 8;
  await eventually(async () => (await stack.models.Event.countDocuments({ customerId: c.id })) >= expected, 20_000, 'the chain’s events');
  await new Promise((r) => setTimeout(r, 1_000)); // time for a duplicate to show, were there one
  const events = await stack.models.Event.find({ customerId: c.id }).sort({ _id: 1 }).lean();
  expect(events.every((e) => e.partnerId === p.id)).toBe(true);
  const seen = events.map((e) => ({ type: e.type, subject: e.subject, data: JSON.parse(e.data) as Record<string, unknown> }));

  // the invitation's acceptance and the trial's start are written by two workflows at once
  expect(new Set(seen.slice(0, 2).map((e) => e.type))).toEqual(new Set(['invitation.accepted', 'trial.started']));
  // and so are the bought subscription's creation and the offer's acceptance
  expect(new Set(seen.slice(2, 4).map((e) => e.type))).toEqual(new Set(['subscription.created', 'offer.accepted']));
  expect(seen.slice(4).map((e) => [e.type, e.data.change])).toEqual([
    ['delegated-admin.accepted', undefined],
    ['service-request.changed', 'opened'],
    ['service-request.changed', 'note'],
    ['service-request.changed', 'status'],
  ]);
  const byType = (type: string) => seen.filter((e) => e.type === type);
  expect(byType('invitation.accepted')[0]).toMatchObject({
    subject: { kind: 'invitation', id: c.invitation.id },
    data: { invitationId: c.invitation.id, customerId: c.id, newCustomer: true, sku: 'BUS-STD', subscriptionId: c.subscriptionId },
  });
  expect(byType('trial.started')[0]).toMatchObject({ subject: { kind: 'subscription', id: c.subscriptionId }, data: { status: 'trial', sku: 'BUS-STD' } });
  expect(byType('offer.accepted')[0]).toMatchObject({
    subject: { kind: 'offer', id: offer.id },
    data: { status: 'accepted', items: [{ sku: 'BUS-STD', licenses: 12 }], subscriptions: [{ subscriptionId: c.subscriptionId, convertedTrial: true }] },
  });
  expect(byType('subscription.created')[0]).toMatchObject({
    subject: { kind: 'subscription', id: c.subscriptionId },
    data: { subscriptionId: c.subscriptionId, customerId: c.id, sku: 'BUS-STD', licenses: 12, status: 'active', partnerOfRecordId: p.id, convertedTrial: true },
  });
  expect(byType('delegated-admin.accepted')[0]).toMatchObject({
    subject: { kind: 'relationship', id: relationshipId },
    data: { status: 'active', role: 'full', endsAt: granted.body.endsAt },
  });
  expect(byType('service-request.changed').map((e) => [e.subject.id, e.data.status])).toEqual([
    [opened.body.id, 'open'],
    [opened.body.id, 'open'],
    [opened.body.id, 'attention-needed'],
  ]);

  // the partner's events list shows them as its webhooks deliver them; another partner's shows none
  const listed = await stack.http('GET', '/v1/events?limit=100', undefined, bearer(p.admin.token));
  expect(listed.status).toBe(200);
  const ids = events.map((e) => e._id);
  expect(listed.body.items.filter((e: { id: string }) => ids.includes(e.id)).map((e: { type: string }) => e.type)).toEqual(seen.map((e) => e.type).reverse());
  const other = await createPartner(stack);
  expect((await stack.http('GET', '/v1/events?limit=100', undefined, bearer(other.admin.token))).body.items).toEqual([]);
}, 90_000);
