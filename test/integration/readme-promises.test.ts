import { fakeProductKey } from '../../bench/fake-customers';
import fs from 'node:fs';
import path from 'node:path';
import { LifecycleStage, OfferId } from '../../workflows/search-attributes';
import { Stage } from '../../workflows/stages';
import * as workflows from '../../workflows';
import { acceptOffer, invite, linkCode, newCustomer, sendOffer, trialCustomer } from '../support/flows';
import { bearer, type TestPartner } from '../support/partners';
import { eventually, type TestStack } from '../support/stack';
import { useStackWithPartner } from '../support/use-stack';

/** What the README says offerflow does, each checked against the running service. */
let stack: TestStack;
let p: TestPartner;
useStackWithPartner((s, partner) => {
  stack = s;
  p = partner;
});

const readme = fs.readFileSync(path.join(__dirname, '../../README.md'), 'utf8');

describe('the README’s promises', () => {
  it('“Durations are data”: every field it names is a field of a request body', async () => {
    const paragraph = readme.slice(readme.indexOf('Durations are data'), readme.indexOf('So the tests run a whole 30-day trial'));
    const named = [...paragraph.matchAll(/`([a-zA-Z]+)`/g)].map((m) => m[1]!);
    expect(named.length).toBeGreaterThan(10);
    const doc = JSON.stringify((await stack.http('GET', '/openapi.json')).body.paths);
    for (const field of named) expect({ field, documented: doc.includes(`"${field}":{`) }).toEqual({ field, documented: true });
  });

  it('“every workflow answers the state query”: every workflow kind, running or ended', async () => {
    const endpoint = await stack.http(
      'POST',
      '/v1/webhook-endpoints',
      { url: 'http://127.0.0.1:9/hooks', eventTypes: ['trial.started'] },
      bearer(p.admin.token),
    );
    expect(endpoint.status).toBe(201);
    const c = await trialCustomer(stack, p);
    const offer = await sendOffer(stack, p, [c.id], [{ sku: 'BUS-STD', licenses: 5 }], { delegatedAdmin: { durationDays: 30 } });
    const bought = await acceptOffer(stack, offer.code, c.token);
    expect(bought.status).toBe(201);
    const serviceRequest = await stack.http(
      'POST',
      '/v1/customer/service-requests',
      { partnerId: p.id, title: 'Sign-in fails', description: 'Since this morning.', severity: 'minimal' },
      bearer(c.token),
    );
    expect(serviceRequest.status).toBe(201);
    const registration = await stack.http('POST', '/v1/product-keys/registrations', { sku: 'BUS-STD', keys: ['not a key'] }, bearer(p.admin.token));
    expect(registration.status).toBe(202);
    const key = fakeProductKey();
    const keyRegistration = await stack.http('POST', '/v1/product-keys/registrations', { sku: 'BUS-STD', keys: [key] }, bearer(p.admin.token));
    await stack.client.workflow.getHandle(`product-key-registration:${keyRegistration.body.id}`).result();
    expect((await stack.http('POST', `/v1/product-keys/${key}/redemption`, { customerId: c.id }, bearer(p.admin.token))).status).toBe(201);
    const cleanup = await stack.client.workflow.start(workflows.cleanupWorkflow, { taskQueue: stack.taskQueue, workflowId: `maintenance:test-${Date.now()}` });
    await cleanup.result();
    const ids = [
      c.invitation.workflowId,
      c.onboardingWorkflowId,
      `offer:${offer.id}:${c.id}`,
      `subscription:${bought.body.subscriptions[0].subscriptionId}`,
      `delegated-admin:${bought.body.delegatedAdmin.relationshipId}`,
      `customer-directory:${p.id}`,
      cleanup.workflowId,
      serviceRequest.body.workflowId,
      `product-key-registration:${registration.body.id}`,
      `product-key:${key}`,
      `webhook-delivery:${(await eventually(() => stack.models.WebhookDelivery.findOne({ endpointId: endpoint.body.id }).lean(), 20_000, 'a delivery'))._id}`,
    ];
    const answered = new Set<string>();
    for (const id of ids) {
      const handle = stack.client.workflow.getHandle(id);
      const state = await eventually(() => handle.query('state').catch(() => undefined), 20_000, `${id} to answer the state query`);
      if (state) answered.add((await handle.describe()).type);
    }
    expect([...answered].sort()).toEqual(Object.keys(workflows).sort());
  }, 90_000);

  it('“search attributes updated at each stage”: what an offer made carries its OfferId, and a subscription its stage', async () => {
    const c = await trialCustomer(stack, p);
    const offer = await sendOffer(stack, p, [c.id], [{ sku: 'BUS-STD', licenses: 5 }], { delegatedAdmin: { durationDays: 30 } });
    const bought = await acceptOffer(stack, offer.code, c.token);
    expect(bought.status).toBe(201);
    const subscription = stack.client.workflow.getHandle(`subscription:${bought.body.subscriptions[0].subscriptionId}`);
    const relationshipWorkflowId = `delegated-admin:${bought.body.delegatedAdmin.relationshipId}`; // asked with the offer: its own workflow
    const attributes = async (workflowId: string) => (await stack.client.workflow.getHandle(workflowId).describe()).typedSearchAttributes;
    expect((await attributes(subscription.workflowId)).get(OfferId)).toBe(offer.id);
    expect((await attributes(subscription.workflowId)).get(LifecycleStage)).toBe(Stage.SubscriptionActive);
    expect((await attributes(relationshipWorkflowId)).get(OfferId)).toBe(offer.id);

    const changed = await stack.http(
      'POST',
      `/v1/customer/subscriptions/${bought.body.subscriptions[0].subscriptionId}/licenses`,
      { licenses: 7 },
      bearer(c.token),
    );
    expect(changed.status).toBe(200);
    await eventually(async () => (await attributes(subscription.workflowId)).get(LifecycleStage) === Stage.LicensesAdjusted, 10_000, 'the stage attribute');
  }, 60_000);

  it('“audit log of every change”: creating an invitation and adding a customer user are in it', async () => {
    const invitation = await invite(stack, p);
    const c = await trialCustomer(stack, p);
    const user = await stack.http('POST', '/v1/customer/users', { email: 'ida@tenant.example', displayName: 'Ida', skus: [] }, bearer(c.token));
    expect(user.status).toBe(201);
    await eventually(
      async () => (await stack.models.AuditEvent.countDocuments({ action: 'invitation.created', 'target.id': invitation.id })) === 1,
      10_000,
      'the invitation audited',
    );
    const entries = await stack.models.AuditEvent.find({ action: 'customer-user.created', 'target.id': user.body.id }).lean();
    expect(entries).toHaveLength(1);
    expect(entries[0]!.actor).toEqual({ kind: 'customer', id: c.id });
    expect(JSON.parse(entries[0]!.details)).toMatchObject({ customerId: c.id, email: 'ida@tenant.example' });
  });

  it('“grant it now … when the link offers delegated administration”: asking for it where it is not offered is refused, nothing made', async () => {
    const plain = await invite(stack, p);
    const customer = newCustomer();
    const refused = await stack.http('POST', `/v1/links/${plain.code}/accept`, { customer, acceptDelegatedAdmin: true });
    expect(refused.status).toBe(422);
    expect(refused.body.type).toBe('/problems/delegated-admin-not-offered');
    expect(await stack.models.Customer.countDocuments({ domain: customer.domain })).toBe(0);
    expect((await stack.http('POST', `/v1/links/${plain.code}/accept`, { customer })).status).toBe(201);
    const c = await trialCustomer(stack, p);
    const offer = await sendOffer(stack, p, [c.id]);
    const refusedOffer = await acceptOffer(stack, offer.code, c.token, { acceptDelegatedAdmin: true });
    expect(refusedOffer.body.type).toBe('/problems/delegated-admin-not-offered');
    expect((await stack.http('GET', `/v1/links/${linkCode(offer.body.url)}`)).body.status).toBe('open');
    expect((await acceptOffer(stack, offer.code, c.token)).status).toBe(201);
  }, 60_000);
});
