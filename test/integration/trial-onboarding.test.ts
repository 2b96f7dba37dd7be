import { onboardingStateQuery } from '../../workflows/onboarding/messages';
import { invite, linkCode, newCustomer } from '../support/flows';
import { bearer, createPartner, operator, type TestPartner } from '../support/partners';
import { eventually, startTestStack, type TestStack } from '../support/stack';

let stack: TestStack;
let p: TestPartner;
beforeAll(async () => {
  // 50 acceptances of one invitation at once queue up in its workflow: let each wait its turn
  stack = await startTestStack({ updateWaitMs: 60_000 });
  p = await createPartner(stack);
});
afterAll(async () => {
  await stack?.stop();
});

describe('a customer accepts a trial invitation', () => {
  it('sees the partner and the trial through the link, without signing in', async () => {
    const inv = await invite(stack, p, { trial: { lengthSeconds: 30 * 86_400, licenses: 10 } });
    const view = await stack.http('GET', `/v1/links/${inv.code}`);
    expect(view.status).toBe(200);
    expect(view.body).toMatchObject({
      kind: 'trial-invitation',
      status: 'active',
      partner: { phone: '+1 425 555 0100', website: 'https://contoso-partners.example', address: { city: 'Redmond', country: 'US' } },
      service: { sku: 'BUS-STD', name: 'Business Standard', trialDays: 30, licenses: 10 },
    });
    expect((await stack.http('GET', `/v1/links/${'x'.repeat(32)}`)).status).toBe(404);
  });

  it('the whole trial: accepted → reminders → expired → suspended → removed after the grace period', async () => {
    const inv = await invite(stack, p, { trial: { lengthSeconds: 2, reminderOffsetsSeconds: [1], gracePeriodSeconds: 1, licenses: 5 } });
    const c = newCustomer();
    const accepted = await stack.http('POST', `/v1/links/${inv.code}/accept`, { customer: c });
    expect(accepted.status).toBe(201);
    const customerId: string = accepted.body.customer.id;
    expect(accepted.body).toMatchObject({
      customer: { name: c.name, domain: c.domain },
      onboarding: { workflowId: `onboarding:${p.id}:${customerId}`, started: true },
    });
    expect(accepted.body.token).toMatch(new RegExp(`^ofc\\.${customerId}\\.tok_`));

    // the customer's token works, and shows the trial subscription
    const subs = await eventually(
      async () => {
        const r = await stack.http('GET', '/v1/customer/subscriptions', undefined, bearer(accepted.body.token));
        return r.status === 200 && r.body.length === 1 && r.body;
      },
      10_000,
      'the trial subscription',
    );
    expect(subs[0]).toMatchObject({ id: accepted.body.subscriptionId, sku: 'BUS-STD', status: 'trial', licenses: 5, partnerId: p.id });

    const handle = stack.client.workflow.getHandle(accepted.body.onboarding.workflowId);
    const final = await handle.result();
    expect(final).toMatchObject({ stage: 'removed', remindersSent: 1 }); // every timer rule: test/workflows/onboarding.test.ts
    expect(final.timeline.map((t: { stage: string }) => t.stage)).toEqual(['trial-active', 'trial-expired', 'suspended', 'removed']);

    // stored: timeline, subscription, outbox, the partner's directory
    const timeline = await stack.http('GET', `/v1/customers/${customerId}/timeline`, undefined, bearer(p.admin.token));
    expect(timeline.body.map((t: { stage: string }) => t.stage)).toEqual(['trial-active', 'trial-expired', 'suspended', 'removed']);
    expect(timeline.body[0]).toMatchObject({ by: 'customer', workflowId: `onboarding:${p.id}:${customerId}` });
    expect(await stack.models.Subscription.findById(accepted.body.subscriptionId).lean()).toMatchObject({ status: 'removed', licenses: 0 });
    const outbox = await stack.http('GET', `/v1/outbox?customerId=${customerId}`, undefined, bearer(p.admin.token));
    expect(outbox.body.items.map((m: { kind: string }) => m.kind).sort()).toEqual(['trial-reminder-1000', 'trial-started', 'trial-suspended']);
    expect(outbox.body.items.every((m: { to: string; status: string }) => m.to === c.contact.email && m.status === 'recorded')).toBe(true);
    const listed = await eventually(
      async () => {
        const r = await stack.http('GET', `/v1/customers/${customerId}`, undefined, bearer(p.admin.token));
        return r.status === 200 && r.body.status === 'removed' && r.body;
      },
      10_000,
      'the directory to show the removal',
    );
    expect(listed).toMatchObject({ name: c.name, domain: c.domain, stage: 'removed', skus: ['BUS-STD'] });

    // operators see it by search attributes
    const description = await handle.describe();
    expect(description.searchAttributes).toMatchObject({ PartnerId: [p.id], CustomerId: [customerId], LifecycleStage: ['removed'] });
    expect(description.searchAttributes.OfferId).toBeUndefined(); // it holds offer ids only
    // and the partner follows the invitation by its id
    const redemptions = await stack.http('GET', `/v1/invitations/${inv.id}/redemptions`, undefined, bearer(p.admin.token));
    expect(redemptions.body.items).toEqual([
      expect.objectContaining({ customerId, customer: expect.objectContaining({ status: 'removed', stage: 'removed' }) }),
    ]);
  }, 60_000);

  it('an existing customer accepts with its token; accepting again changes nothing', async () => {
    const first = await stack.http('POST', `/v1/links/${(await invite(stack, p)).code}/accept`, { customer: newCustomer() });
    const token = first.body.token;
    const q = await createPartner(stack);
    const other = await stack.http('POST', `/v1/links/${(await invite(stack, q)).code}/accept`, {}, bearer(token));
    expect(other.status).toBe(201);
    expect(other.body).toMatchObject({
      customer: { id: first.body.customer.id },
      onboarding: { started: true, workflowId: `onboarding:${q.id}:${first.body.customer.id}` },
    });
    expect(other.body.token).toBeUndefined();
    const again = await stack.http('POST', `/v1/links/${(await invite(stack, q)).code}/accept`, {}, bearer(token));
    expect(again.body.onboarding).toEqual({ workflowId: other.body.onboarding.workflowId, started: false });
    const me = await stack.http('GET', '/v1/customer', undefined, bearer(token));
    expect(me.body.partners.map((x: { id: string }) => x.id).sort()).toEqual([p.id, q.id].sort());
  });

  it('refuses, with the reason: an existing domain without its token, an ended invitation, a partner no longer authorised, another cloud', async () => {
    const c = newCustomer();
    const inv = await invite(stack, p);
    const made = await stack.http('POST', `/v1/links/${inv.code}/accept`, { customer: c });
    const taken = await stack.http('POST', `/v1/links/${inv.code}/accept`, { customer: { ...c, name: 'Impostor' } });
    expect(taken.status).toBe(409);
    expect(taken.body.type).toBe('/problems/customer-exists');
    // a customer made before domains were registered is still refused, by the unique index on customers.domain
    expect(made.status).toBe(201);
    await stack.models.CustomerDomain.deleteOne({ _id: c.domain.toLowerCase() });
    const legacy = await stack.http('POST', `/v1/links/${inv.code}/accept`, { customer: { ...c, name: 'Impostor' } });
    expect({ status: legacy.status, type: legacy.body.type }).toEqual({ status: 409, type: '/problems/customer-exists' });
    expect(await stack.models.CustomerDomain.findById(c.domain.toLowerCase()).lean()).toMatchObject({ customerId: made.body.customer.id });

    await stack.http('POST', `/v1/invitations/${inv.id}/revoke`, undefined, bearer(p.admin.token));
    const revoked = await stack.http('POST', `/v1/links/${inv.code}/accept`, { customer: newCustomer() });
    expect(revoked.status).toBe(409);
    expect(revoked.body.type).toBe('/problems/invitation-not-active');

    const q = await createPartner(stack);
    const qInv = await invite(stack, q);
    await stack.http('DELETE', `/v1/operator/partners/${q.id}/authorisations/subscription-advisor`, undefined, operator);
    const tenantsBefore = await stack.models.Customer.countDocuments();
    const unauthorised = await stack.http('POST', `/v1/links/${qInv.code}/accept`, { customer: newCustomer() });
    expect(unauthorised.status).toBe(409);
    expect(unauthorised.body.type).toBe('/problems/partner-not-authorised');
    expect(await stack.models.Customer.countDocuments()).toBe(tenantsBefore); // nothing half-done
    expect(
      await stack.models.CustomerToken.countDocuments({ customerId: { $nin: (await stack.models.Customer.find({}, { _id: 1 }).lean()).map((x) => x._id) } }),
    ).toBe(0);

    const sovereign = await createPartner(stack, { cloud: 'sovereign' });
    const sInv = await invite(stack, sovereign);
    const crossing = await stack.http('POST', `/v1/links/${sInv.code}/accept`, {}, bearer(made.body.token));
    expect(crossing.status).toBe(409);
    expect(crossing.body.type).toBe('/problems/cloud-mismatch');
  });

  it('one invitation accepted by 50 customers at once: 50 separate onboardings, none lost or merged', async () => {
    const inv = await invite(stack, p);
    const customers = Array.from({ length: 50 }, () => newCustomer());
    const results = await Promise.all(customers.map((c) => stack.http('POST', `/v1/links/${inv.code}/accept`, { customer: c })));
    const failed = results.filter((r) => r.status !== 201).map((r) => `${r.status} ${r.text.slice(0, 400)}`);
    expect(failed).toEqual([]);
    const ids = new Set(results.map((r) => r.body.customer.id));
    expect(ids.size).toBe(50);
    expect(new Set(results.map((r) => r.body.onboarding.workflowId)).size).toBe(50);
    expect(await stack.models.Redemption.countDocuments({ invitationId: inv.id })).toBe(50);
    for (const r of results.slice(0, 5)) {
      const state = await stack.client.workflow.getHandle(r.body.onboarding.workflowId).query(onboardingStateQuery);
      expect(state).toMatchObject({ customerId: r.body.customer.id, stage: 'trial-active' });
    }
    const invitationState = await stack.http('GET', `/v1/invitations/${inv.id}/workflow`, undefined, bearer(p.admin.token));
    expect(invitationState.body.status).toBe('RUNNING');
  }, 60_000);
});

describe('declining and cancelling', () => {
  it('anyone with the link may decline an invitation: counted on it, refused once accepted or ended', async () => {
    const inv = await invite(stack, p);
    expect(await stack.http('POST', `/v1/links/${inv.code}/decline`)).toMatchObject({ status: 200, body: { status: 'declined' } });
    const other = await stack.http('POST', `/v1/links/${(await invite(stack, p)).code}/accept`, { customer: newCustomer() });
    expect(await stack.http('POST', `/v1/links/${inv.code}/decline`, undefined, bearer(other.body.token))).toMatchObject({ status: 200 });
    const read = await stack.http('GET', `/v1/invitations/${inv.id}`, undefined, bearer(p.admin.token));
    expect(read.body).toMatchObject({ status: 'active', declines: 2 });
    const audit = await stack.models.AuditEvent.find({ action: 'invitation.declined', 'target.id': inv.id }).lean();
    expect(audit.map((a) => a.actor.id).sort()).toEqual(['anonymous', other.body.customer.id].sort());

    // the declining customer may still change its mind; once accepted, it cannot decline
    expect((await stack.http('POST', `/v1/links/${inv.code}/accept`, {}, bearer(other.body.token))).status).toBe(201);
    const late = await stack.http('POST', `/v1/links/${inv.code}/decline`, undefined, bearer(other.body.token));
    expect(late).toMatchObject({ status: 409, body: { type: expect.stringMatching(/\/problems\/invitation-already-accepted$/) } });

    await stack.http('POST', `/v1/invitations/${inv.id}/revoke`, undefined, bearer(p.admin.token));
    const revoked = await stack.http('POST', `/v1/links/${inv.code}/decline`);
    expect(revoked).toMatchObject({ status: 409, body: { type: expect.stringMatching(/\/problems\/invitation-not-active$/) } });
    expect((await stack.http('GET', `/v1/invitations/${inv.id}`, undefined, bearer(p.admin.token))).body.declines).toBe(2);
  });

  it('a customer cancels its trial: removed, the onboarding ends as cancelled, nothing can be bought through it', async () => {
    const accepted = await stack.http('POST', `/v1/links/${(await invite(stack, p)).code}/accept`, { customer: newCustomer() });
    const asCustomer = bearer(accepted.body.token);
    const subscriptionId: string = accepted.body.subscriptionId;
    await eventually(async () => (await stack.http('GET', '/v1/customer/subscriptions', undefined, asCustomer)).body.length === 1, 10_000, 'the trial');
    const sentBefore = await stack.http(
      'POST',
      '/v1/offers',
      { customerIds: [accepted.body.customer.id], items: [{ sku: 'BUS-STD', licenses: 10 }] },
      bearer(p.admin.token),
    );
    expect(sentBefore.status).toBe(201);

    const cancelled = await stack.http('POST', `/v1/customer/subscriptions/${subscriptionId}/cancel-trial`, undefined, asCustomer);
    expect(cancelled).toMatchObject({ status: 200, body: { id: subscriptionId, status: 'removed', licenses: 0 } });
    const final = await stack.client.workflow.getHandle(accepted.body.onboarding.workflowId).result();
    expect(final.timeline.map((t: { stage: string; by: string }) => `${t.stage} by ${t.by}`)).toEqual(['trial-active by customer', 'cancelled by customer']);
    const timeline = await stack.http('GET', `/v1/customers/${accepted.body.customer.id}/timeline`, undefined, bearer(p.admin.token));
    expect(timeline.body.map((t: { stage: string }) => t.stage)).toEqual(['trial-active', 'cancelled']);

    const again = await stack.http('POST', `/v1/customer/subscriptions/${subscriptionId}/cancel-trial`, undefined, asCustomer);
    expect(again).toMatchObject({ status: 409, body: { type: expect.stringMatching(/\/problems\/trial-not-cancellable$/) } });
    const bought = await stack.http('POST', `/v1/links/${linkCode(sentBefore.body.url)}/accept`, {}, asCustomer);
    expect(bought).toMatchObject({ status: 409, body: { type: expect.stringMatching(/\/problems\/customer-not-onboarding$/) } });
    const offer = await stack.http(
      'POST',
      '/v1/offers',
      { customerIds: [accepted.body.customer.id], items: [{ sku: 'BUS-STD', licenses: 10 }] },
      bearer(p.admin.token),
    );
    expect(offer).toMatchObject({ status: 409, body: { type: expect.stringMatching(/\/problems\/customer-not-onboarding$/) } });
    // another customer's trial is a 404
    const stranger = await stack.http('POST', `/v1/links/${(await invite(stack, p)).code}/accept`, { customer: newCustomer() });
    expect((await stack.http('POST', `/v1/customer/subscriptions/${subscriptionId}/cancel-trial`, undefined, bearer(stranger.body.token))).status).toBe(404);
  });
});
