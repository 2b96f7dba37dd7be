import fs from 'node:fs';
import path from 'node:path';
import { temporal } from '@temporalio/proto';
import { Worker } from '@temporalio/worker';
import { bearer, createPartner } from '../support/partners';
import { testEnv } from '../support/servers';
import { eventually, startTestStack, type TestStack } from '../support/stack';
import { linkCode, newCustomer } from '../support/flows';

/**
 * Determinism: histories of real runs replayed against today's workflow code.
 * Histories committed under test/fixtures/histories (binary protobuf, recorded
 * by an earlier version: RECORD_HISTORIES=1 npx jest test/integration/replay.test.ts adds
 * the kinds not there yet, RECORD_HISTORIES=overwrite replaces them all, RECORD_HISTORIES_SUFFIX=-x
 * records this version's beside the older ones (e.g. after a patch); worker-restart.test.ts
 * records the onboarding with a late reminder the same way)
 * must keep replaying; a change that breaks them needs patched().
 */
const FIXTURES = path.join(__dirname, '../fixtures/histories');
const History = temporal.api.history.v1.History;

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(async () => {
  await stack?.stop();
});

async function replay(histories: Array<{ workflowId: string; history: unknown }>) {
  const failures: string[] = [];
  for await (const result of Worker.runReplayHistories({ workflowBundle: { codePath: testEnv('workflowBundle') } }, histories)) {
    if (result.error) failures.push(`${result.workflowId}: ${result.error.message}`);
  }
  return failures;
}

describe('replaying recorded histories', () => {
  it('histories of this run replay against the code (every workflow kind)', async () => {
    const p = await createPartner(stack);
    const created = await stack.http(
      'POST',
      '/v1/invitations',
      {
        sku: 'BUS-STD',
        expiresInSeconds: 6,
        trial: { lengthSeconds: 2, reminderOffsetsSeconds: [1], gracePeriodSeconds: 1 },
        recipients: ['invitee@fabrikam.example'],
      },
      bearer(p.admin.token),
    );
    const code = linkCode(created.body.url);
    const accepted = await stack.http('POST', `/v1/links/${code}/accept`, { customer: newCustomer() });
    expect(accepted.status).toBe(201);
    const revokedInv = await stack.http('POST', '/v1/invitations', { sku: 'BUS-STD' }, bearer(p.admin.token));
    const sent = await stack.http('POST', `/v1/invitations/${revokedInv.body.id}/recipients`, { recipients: ['late@fabrikam.example'] }, bearer(p.admin.token));
    expect(sent.status).toBe(200);
    await stack.http('POST', `/v1/invitations/${revokedInv.body.id}/revoke`, undefined, bearer(p.admin.token));

    const ids = [created.body.workflowId, accepted.body.onboarding.workflowId, revokedInv.body.workflowId];
    await Promise.all(ids.map((id) => stack.client.workflow.getHandle(id).result()));

    // A purchase: an offer accepted (billed every 3 s), then a license change on the subscription it bought,
    // a renewal, changes of its partner of record (declined, lapsed, accepted; then removed), and the
    // subscription set not to renew, which ends it.
    const longTrial = await stack.http('POST', '/v1/invitations', { sku: 'BUS-STD' }, bearer(p.admin.token));
    const buyer = await stack.http('POST', `/v1/links/${linkCode(longTrial.body.url)}/accept`, { customer: newCustomer() });
    const offer = await stack.http(
      'POST',
      '/v1/offers',
      { customerIds: [buyer.body.customer.id], items: [{ sku: 'BUS-STD', licenses: 5 }], billing: { periodSeconds: 3, cancellationWindowSeconds: 3 } },
      bearer(p.admin.token),
    );
    const bought = await stack.http('POST', `/v1/links/${linkCode(offer.body.url)}/accept`, {}, bearer(buyer.body.token));
    expect(bought.status).toBe(201);
    const subscriptionId = bought.body.subscriptions[0].subscriptionId;
    await eventually(async () => (await stack.models.Subscription.findById(subscriptionId).lean())?.status === 'active', 20_000, 'the subscription');
    expect((await stack.http('POST', `/v1/customer/subscriptions/${subscriptionId}/licenses`, { licenses: 7 }, bearer(buyer.body.token))).status).toBe(200);
    await eventually(async () => ((await stack.models.Subscription.findById(subscriptionId).lean())?.renewals ?? 0) >= 1, 20_000, 'a renewal');
    const q = await createPartner(stack);
    const askQ = async (extra: Record<string, unknown> = {}) => {
      const res = await stack.http(
        'POST',
        `/v1/customer/subscriptions/${subscriptionId}/partner-of-record/change-requests`,
        { partnerId: q.id, ...extra },
        bearer(buyer.body.token),
      );
      expect(res.status).toBe(201);
      return res.body.id as string;
    };
    const answerAsQ = async (requestId: string, how: 'acceptance' | 'declination') =>
      expect((await stack.http('POST', `/v1/partner-of-record-requests/${requestId}/${how}`, undefined, bearer(q.admin.token))).status).toBe(200);
    await answerAsQ(await askQ(), 'declination');
    const lapsing = await askQ({ answerWithinSeconds: 1 });
    await eventually(async () => (await stack.models.PartnerOfRecordRequest.findById(lapsing).lean())?.status === 'lapsed', 20_000, 'the lapse');
    await answerAsQ(await askQ(), 'acceptance');
    expect((await stack.http('DELETE', `/v1/customer/subscriptions/${subscriptionId}/partner-of-record`, undefined, bearer(buyer.body.token))).status).toBe(
      200,
    );
    expect((await stack.http('POST', `/v1/customer/subscriptions/${subscriptionId}/renewal`, { autoRenew: false }, bearer(buyer.body.token))).status).toBe(200);
    const offerWorkflowId = `offer:${offer.body.id}:${buyer.body.customer.id}`;
    await stack.client.workflow.getHandle(offerWorkflowId).result();
    await stack.client.workflow.getHandle(`subscription:${subscriptionId}`).result();
    ids.push(offerWorkflowId, `subscription:${subscriptionId}`);

    // Delegated administration asked alone, accepted, expired after its (short) duration.
    const asked = await stack.http(
      'POST',
      `/v1/customers/${buyer.body.customer.id}/delegated-admin`,
      { durationSeconds: 2, noticeSeconds: 1 },
      bearer(p.admin.token),
    );
    expect(asked.status).toBe(201);
    expect((await stack.http('POST', `/v1/customer/delegated-admin/${asked.body.id}/accept`, undefined, bearer(buyer.body.token))).status).toBe(200);
    const relationshipWorkflowId = asked.body.workflowId as string;
    await stack.client.workflow.getHandle(relationshipWorkflowId).result();
    // A trial cancelled by its customer; an invitation declined.
    const quitter = await stack.http('POST', `/v1/links/${linkCode(longTrial.body.url)}/accept`, { customer: newCustomer() });
    await eventually(async () => (await stack.models.Subscription.findById(quitter.body.subscriptionId).lean())?.status === 'trial', 20_000, 'the trial');
    expect(
      (await stack.http('POST', `/v1/customer/subscriptions/${quitter.body.subscriptionId}/cancel-trial`, undefined, bearer(quitter.body.token))).status,
    ).toBe(200);
    await stack.client.workflow.getHandle(quitter.body.onboarding.workflowId).result();
    expect((await stack.http('POST', `/v1/links/${linkCode(longTrial.body.url)}/decline`)).status).toBe(200);
    // A service request: opened by the customer, a note, attention needed (the partner reminded after its short time), closed.
    const opened = await stack.http(
      'POST',
      '/v1/customer/service-requests',
      { partnerId: p.id, title: 'Mail does not arrive', description: 'Since Monday.', severity: 'critical', attentionReminderSeconds: 1 },
      bearer(buyer.body.token),
    );
    expect(opened.status).toBe(201);
    const serviceRequestPath = `/v1/customer/service-requests/${opened.body.id}`;
    expect((await stack.http('POST', `${serviceRequestPath}/notes`, { text: 'Still nothing.' }, bearer(buyer.body.token))).status).toBe(200);
    expect((await stack.http('POST', `${serviceRequestPath}/status`, { status: 'attention-needed' }, bearer(buyer.body.token))).status).toBe(200);
    await eventually(
      async () => (await stack.models.OutboxMessage.countDocuments({ kind: 'service-request-reminder', customerId: buyer.body.customer.id })) === 1,
      20_000,
      'the reminder',
    );
    expect((await stack.http('POST', `${serviceRequestPath}/status`, { status: 'closed' }, bearer(buyer.body.token))).status).toBe(200);
    await stack.client.workflow.getHandle(opened.body.workflowId).result();
    ids.push(relationshipWorkflowId, quitter.body.onboarding.workflowId, longTrial.body.workflowId, opened.body.workflowId);
    // A registration of product keys: two registered, one malformed line refused.
    const keys = [
      'AAAAA-BBBBB-CCCCC-DDDDD-' +
        p.id
          .slice(-5)
          .toUpperCase()
          .replace(/[^A-Z0-9]/g, '0'),
      'not a key',
    ];
    keys.unshift(keys[0]!.replace('AAAAA', 'AAAAB'));
    const registration = await stack.http('POST', '/v1/product-keys/registrations', { sku: 'BUS-STD', keys }, bearer(p.admin.token));
    expect(registration.status).toBe(202);
    const registrationWorkflowId = `product-key-registration:${registration.body.id}`;
    expect(await stack.client.workflow.getHandle(registrationWorkflowId).result()).toEqual({ total: 3, registered: 2, refused: 1 });
    ids.push(registrationWorkflowId);
    // A published offer taken by a company new to the partner: the offer's workflow makes it a customer and buys; its onboarding has no trial.
    const publishedOffer = await stack.http('POST', '/v1/offers', { items: [{ sku: 'BUS-STD', licenses: 2 }], published: true }, bearer(p.admin.token));
    const joined = await stack.http('POST', `/v1/links/${linkCode(publishedOffer.body.url)}/accept`, { customer: newCustomer() });
    expect(joined.status).toBe(201);
    const joinedOfferId = `offer:${publishedOffer.body.id}:${joined.body.customer.id}`;
    const joinedOnboardingId = `onboarding:${p.id}:${joined.body.customer.id}`;
    await stack.client.workflow.getHandle(joinedOfferId).result();
    await eventually(async () => stack.models.TimelineEvent.exists({ customerId: joined.body.customer.id, stage: 'onboarded' }), 20_000, 'onboarded');
    ids.push(joinedOfferId, joinedOnboardingId);
    // A product key redeemed for a new customer (its onboarding has no trial either).
    const redeemed = await stack.http('POST', `/v1/product-keys/${keys[1]}/redemption`, { customer: newCustomer() }, bearer(p.admin.token));
    expect(redeemed.status).toBe(201);
    const redemptionId = `product-key:${keys[1]}`;
    await stack.client.workflow.getHandle(redemptionId).result();
    ids.push(redemptionId);
    const fixtureName: Record<string, string> = {
      [`subscription:${subscriptionId}`]: 'subscription-partner-of-record',
      [redemptionId]: 'product-key-redemption',
      [joinedOfferId]: 'offer-joined',
      [joinedOnboardingId]: 'onboarding-joined',
      [revokedInv.body.workflowId]: 'invitation-revoked',
      [quitter.body.onboarding.workflowId]: 'onboarding-cancelled',
      [longTrial.body.workflowId]: 'invitation-declined',
    };
    const directoryId = `customer-directory:${p.id}`;
    // writing by local activities (customer-directory-refresh.pb: by activities, with the refresh interval; customer-directory.pb: without)
    fixtureName[directoryId] = 'customer-directory-local';
    await eventually(async () => (await stack.directory.get(p.id, accepted.body.customer.id))?.status === 'removed', 20_000, 'the directory to catch up');
    const histories = await Promise.all(
      [...ids, directoryId].map(async (workflowId) => ({ workflowId, history: await stack.client.workflow.getHandle(workflowId).fetchHistory() })),
    );
    expect(histories.every((h) => (h.history.events?.length ?? 0) > 5)).toBe(true);
    expect(await replay(histories)).toEqual([]);

    if (process.env.RECORD_HISTORIES) {
      fs.mkdirSync(FIXTURES, { recursive: true });
      // Histories recorded by earlier versions stay as they are: they are the point.
      for (const h of histories) {
        const file = path.join(FIXTURES, `${fixtureName[h.workflowId] ?? h.workflowId.split(':')[0]}${process.env.RECORD_HISTORIES_SUFFIX ?? ''}.pb`);
        if (!fs.existsSync(file) || process.env.RECORD_HISTORIES === 'overwrite') fs.writeFileSync(file, History.encode(h.history).finish());
      }
    }
  }, 150_000);

  it('committed histories of earlier versions still replay', async () => {
    const files = fs.readdirSync(FIXTURES).filter((f) => f.endsWith('.pb'));
    expect(files.length).toBeGreaterThanOrEqual(12);
    const histories = files.map((f) => ({ workflowId: `fixture-${f}`, history: History.decode(fs.readFileSync(path.join(FIXTURES, f))) }));
    expect(await replay(histories)).toEqual([]);
  });

  it('a non-deterministic change is caught', async () => {
    // The onboarding history replayed against a workflow that does something else first.
    const history = History.decode(fs.readFileSync(path.join(FIXTURES, 'onboarding.pb')));
    const failures = [];
    for await (const result of Worker.runReplayHistories({ workflowsPath: require.resolve('../fixtures/changed-workflows') }, [
      { workflowId: 'changed', history },
    ])) {
      if (result.error) failures.push(result.error.name);
    }
    expect(failures).toEqual(['DeterminismViolationError']);
  }, 60_000);
});
