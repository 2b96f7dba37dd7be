import { bearer, type TestPartner } from '../support/partners';
import { eventually, type TestStack } from '../support/stack';
import { linkCode, newCustomer } from '../support/flows';
import { useStackWithPartner } from '../support/use-stack';

/**
 * The chain offerflow is named for, through HTTP only, against the real
 * servers: invite → accept the trial → reminder → offer → accept with other
 * license counts → adjust licenses → delegated administration accepted → onboarded.
 */
let stack: TestStack;
let p: TestPartner;
useStackWithPartner((s, partner) => {
  stack = s;
  p = partner;
});

it('invite → trial → reminder → offer → purchase with changed counts → license adjustment → delegated admin accepted → onboarded', async () => {
  const asPartner = bearer(p.admin.token);
  // 1. a trial invitation whose trial lasts 6 s, with a reminder 4 s before its end
  const inv = await stack.http('POST', '/v1/invitations', { sku: 'BUS-STD', trial: { lengthSeconds: 6, reminderOffsetsSeconds: [4], licenses: 5 } }, asPartner);
  expect(inv.status).toBe(201);
  const code = linkCode(inv.body.url);

  // 2. a customer accepts it: tenant, token, trial
  const c = newCustomer();
  const accepted = await stack.http('POST', `/v1/links/${code}/accept`, { customer: c });
  expect(accepted.status).toBe(201);
  const customerId: string = accepted.body.customer.id;
  const asCustomer = bearer(accepted.body.token);

  // 3. the reminder goes out
  const reminder = await eventually(
    async () => {
      const r = await stack.http('GET', `/v1/outbox?customerId=${customerId}`, undefined, asPartner);
      return r.body.items.find((m: { kind: string }) => m.kind.startsWith('trial-reminder')) as { to: string } | undefined;
    },
    10_000,
    'the reminder',
  );
  expect(reminder.to).toBe(c.contact.email);

  // 4. the partner sends a purchase offer asking for delegated administration too
  const offer = await stack.http(
    'POST',
    '/v1/offers',
    { customerIds: [customerId], items: [{ sku: 'BUS-STD', licenses: 10 }], delegatedAdmin: { durationDays: 365 } },
    asPartner,
  );
  expect(offer.status).toBe(201);
  const offerCode = linkCode(offer.body.url);

  // 5. the customer buys 14 licenses instead of 10, and leaves delegated administration for later
  const bought = await stack.http('POST', `/v1/links/${offerCode}/accept`, { licenses: { 'BUS-STD': 14 } }, asCustomer);
  expect(bought.status).toBe(201);
  expect(bought.body.subscriptions).toEqual([{ subscriptionId: accepted.body.subscriptionId, sku: 'BUS-STD', licenses: 14, convertedTrial: true }]);
  expect(bought.body.delegatedAdmin).toEqual({ relationshipId: expect.stringMatching(/^rel_/), status: 'approval-pending' });

  // 6. the customer adjusts its licenses at once (the subscription's workflow knows it is bought before its record does)
  const adjusted = await stack.http('POST', `/v1/customer/subscriptions/${accepted.body.subscriptionId}/licenses`, { licenses: 16 }, asCustomer);
  expect(adjusted.status).toBe(200);
  expect(adjusted.body).toMatchObject({ status: 'active', licenses: 16 });
  // written by the subscription's workflow with the change, with the request that asked for it
  const audited = await stack.models.AuditEvent.findOne({ action: 'subscription.licenses-changed', 'target.id': accepted.body.subscriptionId }).lean();
  expect(JSON.parse(String(audited?.details))).toEqual({ customerId: accepted.body.customer.id, from: 14, to: 16 });
  expect(audited).toMatchObject({ actor: { kind: 'customer', id: accepted.body.customer.id }, requestId: adjusted.headers.get('x-request-id') });

  // the onboarding waits for delegated administration
  const waiting = await eventually(
    async () => {
      const r = await stack.http('GET', `/v1/customers/${customerId}/timeline`, undefined, asPartner);
      return r.body.some((t: { stage: string }) => t.stage === 'awaiting-delegated-admin') && r.body;
    },
    20_000,
    'the onboarding to wait for delegated administration',
  );
  expect(waiting.some((t: { stage: string }) => t.stage === 'onboarded')).toBe(false);

  // 7. the customer accepts delegated administration
  const relationships = await stack.http('GET', '/v1/customer/delegated-admin', undefined, asCustomer);
  expect(relationships.body).toEqual([expect.objectContaining({ partnerId: p.id, status: 'approval-pending' })]);
  const granted = await stack.http('POST', `/v1/customer/delegated-admin/${relationships.body[0].id}/accept`, undefined, asCustomer);
  expect(granted.status).toBe(200);
  expect(granted.body.status).toBe('active');

  // 8. onboarded; the whole way is in the timeline, each step with its workflow
  const timeline = await eventually(
    async () => {
      const r = await stack.http('GET', `/v1/customers/${customerId}/timeline`, undefined, asPartner);
      return r.body.some((t: { stage: string }) => t.stage === 'onboarded') && r.body;
    },
    20_000,
    'onboarded',
  );
  const stages: string[] = timeline.map((t: { stage: string }) => t.stage);
  expect([...stages].sort()).toEqual([
    'awaiting-delegated-admin',
    'delegated-admin-active',
    'delegated-admin-approval-pending',
    'licenses-adjusted',
    'onboarded',
    'purchased',
    'trial-active',
  ]);
  const before = (a: string, b: string) => expect({ [a]: stages.indexOf(a) < stages.indexOf(b) }).toEqual({ [a]: true });
  before('trial-active', 'purchased');
  before('purchased', 'licenses-adjusted');
  before('purchased', 'awaiting-delegated-admin');
  before('licenses-adjusted', 'delegated-admin-active');
  before('delegated-admin-active', 'onboarded');
  expect(stages[stages.length - 1]).toBe('onboarded');
  expect(new Set(timeline.map((t: { workflowId: string }) => t.workflowId.split(':')[0]))).toEqual(new Set(['onboarding', 'subscription', 'delegated-admin']));
  const listed = await eventually(
    async () => {
      const r = await stack.http('GET', `/v1/customers/${customerId}`, undefined, asPartner);
      return r.body.stage === 'onboarded' && r.body;
    },
    20_000,
    'the directory to show it',
  );
  expect(listed).toMatchObject({ status: 'active', skus: ['BUS-STD'] });

  // the partner, now delegated admin, adjusts licenses in the customer too
  const byPartner = await stack.http('POST', `/v1/customers/${customerId}/subscriptions/${accepted.body.subscriptionId}/licenses`, { licenses: 18 }, asPartner);
  expect(byPartner.status).toBe(200);
  expect(byPartner.body.licenses).toBe(18);
}, 90_000);
