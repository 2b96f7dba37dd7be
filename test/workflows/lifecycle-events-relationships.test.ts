import type { WorkflowHandle } from '@temporalio/client';
import { fakeProductKey } from '../../bench/fake-customers';
import { DelegatedAdminFailure } from '../../workflows/delegated-admin/failures';
import { acceptRelationshipUpdate, declineRelationshipUpdate, terminateRelationshipUpdate } from '../../workflows/delegated-admin/messages';
import { delegatedAdminStart, delegatedAdminWorkflowId } from '../../workflows/delegated-admin/start';
import { delegatedAdminWorkflow } from '../../workflows/delegated-admin/workflow';
import { onboardingWorkflowId } from '../../workflows/onboarding/start';
import { ProductKeyFailure } from '../../workflows/product-keys/failures';
import { redeemKeyUpdate, type KeyRedemption } from '../../workflows/product-keys/messages';
import { keyRedemptionWorkflow } from '../../workflows/product-keys/redemption';
import { keyRedemptionStart } from '../../workflows/product-keys/start';
import { ServiceRequestFailure } from '../../workflows/service-requests/failures';
import { addServiceRequestNoteUpdate, serviceRequestRecordedUpdate, setServiceRequestStatusUpdate } from '../../workflows/service-requests/messages';
import { serviceRequestStart } from '../../workflows/service-requests/start';
import type { ServiceRequestInput, ServiceRequestParty, ServiceRequestStatus } from '../../workflows/service-requests/types';
import { serviceRequestWorkflow } from '../../workflows/service-requests/workflow';
import { useTimeSkipping } from '../support/time-skipping';
import { DAY, keyRedemptionRequest, refusal, relationshipInput, serviceRequestInput } from './inputs';
import { expectKeysApart, published } from './published';

// The events of what a partner does with a customer: delegated administration, service requests, product keys.
const ts = useTimeSkipping();

const events = (h: WorkflowHandle | string) => published(ts, typeof h === 'string' ? h : h.workflowId);

describe('a delegated-admin relationship publishes', () => {
  it('delegated-admin.accepted when the customer accepts, delegated-admin.ended when it terminates; refused answers publish nothing', async () => {
    const input = relationshipInput({ role: 'limited' });
    const h = await ts.start(delegatedAdminWorkflow, delegatedAdminStart(input));
    await h.executeUpdate(acceptRelationshipUpdate, { args: [{ by: 'customer' }] });
    expect((await refusal(h.executeUpdate(acceptRelationshipUpdate, { args: [{ by: 'customer' }] }))).type).toBe(DelegatedAdminFailure.NotPending);
    await ts.sleep(10 * DAY);
    await h.executeUpdate(terminateRelationshipUpdate, { args: [{ by: 'customer' }] });
    const final = await h.result();

    const [accepted, ended, ...more] = events(h);
    expect(more).toEqual([]);
    const common = { partnerId: input.partnerId, customerId: input.customerId, subject: { kind: 'relationship', id: input.relationshipId } };
    expect(accepted).toMatchObject({ type: 'delegated-admin.accepted', ...common });
    expect(accepted!.data).toEqual({
      relationshipId: input.relationshipId,
      customerId: input.customerId,
      status: 'active',
      role: 'limited',
      acceptedAt: final.acceptedAt,
      endsAt: final.endsAt,
      autoExtend: false,
    });
    expect(ended).toMatchObject({ type: 'delegated-admin.ended', ...common });
    expect(ended!.data).toMatchObject({ status: 'terminated', reason: 'terminated-by-customer', previousStatus: 'active', endedAt: final.endedAt });
  });

  it('agreed with a purchase, then expired: accepted at its start, ended as expired; two relationships under one workflow id are keyed apart', async () => {
    const first = relationshipInput({ acceptedAtStart: true, durationMs: 10 * DAY, noticeMs: DAY });
    const second = { ...first, relationshipId: `${first.relationshipId}_2` };
    const workflowId = delegatedAdminWorkflowId(first.partnerId, first.customerId);
    for (const input of [first, second]) await (await ts.start(delegatedAdminWorkflow, delegatedAdminStart(input, workflowId))).result();

    const all = events(workflowId);
    expect(all.map((e) => [e.type, e.subject.id, e.data.status, e.data.reason, e.data.previousStatus])).toEqual([
      ['delegated-admin.accepted', first.relationshipId, 'active', undefined, undefined],
      ['delegated-admin.ended', first.relationshipId, 'expired', 'expired', 'expiring'],
      ['delegated-admin.accepted', second.relationshipId, 'active', undefined, undefined],
      ['delegated-admin.ended', second.relationshipId, 'expired', 'expired', 'expiring'],
    ]);
    expectKeysApart(all);
  });

  it('a request declined or left to lapse publishes nothing', async () => {
    const declined = await ts.start(delegatedAdminWorkflow, delegatedAdminStart(relationshipInput()));
    const lapsed = await ts.start(delegatedAdminWorkflow, delegatedAdminStart(relationshipInput()));
    await declined.executeUpdate(declineRelationshipUpdate, { args: [{ by: 'customer' }] });
    // one after the other: the test server, skipping time for two awaited results at once, may report one timed out
    await declined.result();
    await lapsed.result();
    expect([...events(declined), ...events(lapsed)]).toEqual([]);
  });
});

describe('a service request publishes service-request.changed', () => {
  const requestInput = serviceRequestInput;
  const start = async (input: ServiceRequestInput) => {
    const h = await ts.start(serviceRequestWorkflow, serviceRequestStart(input));
    await h.executeUpdate(serviceRequestRecordedUpdate);
    return h;
  };
  const partnerUser: ServiceRequestParty = { kind: 'partner-user', id: 'usr_ada', relationshipId: 'rel_1' };
  const note = (h: WorkflowHandle, text: string, by: ServiceRequestParty, updateId?: string) =>
    h.executeUpdate(addServiceRequestNoteUpdate, { updateId, args: [{ text, by }] });
  const setStatus = (h: WorkflowHandle, status: ServiceRequestStatus, by: ServiceRequestParty, updateId?: string) =>
    h.executeUpdate(setServiceRequestStatusUpdate, { updateId, args: [{ status, by }] });

  it('for its opening, each note and each status change, with what changed; refused changes publish nothing', async () => {
    const input = requestInput();
    const customer: ServiceRequestParty = { kind: 'customer', id: input.customerId };
    const h = await start(input);
    await note(h, '  We are looking at your MX records. ', partnerUser);
    await setStatus(h, 'attention-needed', partnerUser);
    expect((await refusal(setStatus(h, 'attention-needed', customer))).type).toBe(ServiceRequestFailure.StatusUnchanged);
    expect((await refusal(note(h, '   ', customer))).type).toBe(ServiceRequestFailure.InvalidInput);
    await setStatus(h, 'closed', customer);
    await h.result();

    const all = events(h);
    expect(all.map((e) => e.type)).toEqual(Array(4).fill('service-request.changed'));
    for (const e of all)
      expect(e).toMatchObject({ partnerId: input.partnerId, customerId: input.customerId, subject: { kind: 'service-request', id: input.serviceRequestId } });
    const base = {
      serviceRequestId: input.serviceRequestId,
      customerId: input.customerId,
      title: input.title,
      severity: 'critical',
      updatedAt: expect.any(String),
    };
    expect(all.map((e) => e.data)).toEqual([
      { ...base, change: 'opened', description: input.description, status: 'open', by: customer, notes: 0 },
      { ...base, change: 'note', note: { n: 1, text: 'We are looking at your MX records.' }, status: 'open', by: partnerUser, notes: 1 },
      { ...base, change: 'status', from: 'open', to: 'attention-needed', status: 'attention-needed', by: partnerUser, notes: 1 },
      { ...base, change: 'status', from: 'attention-needed', to: 'closed', status: 'closed', by: customer, notes: 1 },
    ]);
    expectKeysApart(all);
  });

  it('a retried update that reaches the next run (continued as new) publishes nothing again', async () => {
    const input = requestInput({ continueAsNewAfter: 2 });
    const h = await start(input);
    for (let i = 1; i <= 3; i++) await note(h, `note ${i}`, partnerUser, `note-${i}`);
    await ts.eventually(async () => (await h.describe()).runId !== h.firstExecutionRunId, 'a new run');
    await note(h, 'note 1', partnerUser, 'note-1');
    await setStatus(h, 'closed', partnerUser, 'close');
    await h.result();
    const all = events(h);
    expect(all.map((e) => e.data.change)).toEqual(['opened', 'note', 'note', 'note', 'status']);
    expectKeysApart(all);
  });
});

// Last: a redemption starts an onboarding that outlives the test's time skips.
describe('a product key’s redemption publishes', () => {
  const partnerId = 'par_keys_events';
  const request = (n: number) => keyRedemptionRequest(`k${n}`);

  it('a repeat of a redemption an earlier run made publishes nothing', async () => {
    const key = fakeProductKey();
    const done: KeyRedemption = {
      key,
      redemptionId: 'pkr_1',
      customerId: 'cus_k1',
      created: true,
      subscription: { subscriptionId: 'sub_k1', sku: 'BUS-STD', licenses: 5 },
      redeemedAt: new Date().toISOString(),
    };
    ts.stub('keyForRedemption', async () => ({ done }));
    const h = await ts.start(keyRedemptionWorkflow, keyRedemptionStart({ key, partnerId }));
    await h.executeUpdate(redeemKeyUpdate, { args: [request(1)] });
    await h.result();
    expect(events(h)).toEqual([]);
  });

  it('product-key.redeemed once, with the key masked but for its last group; another redemption, refused, publishes nothing', async () => {
    const key = fakeProductKey();
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    ts.stub('purchaseThroughOnboarding', async (_p, _c, r) => {
      await held; // the purchase under way while another redemption tries
      return { subscriptions: r.items.map((i) => ({ subscriptionId: i.subscriptionId, sku: i.sku, licenses: i.licenses, convertedTrial: false })) };
    });
    const h = await ts.start(keyRedemptionWorkflow, keyRedemptionStart({ key, partnerId }));
    ts.cleanUp(onboardingWorkflowId(partnerId, 'cus_k2'));
    const redeeming = h.executeUpdate(redeemKeyUpdate, { args: [request(2)] });
    await ts.eventually(() => ts.callsTo('purchaseThroughOnboarding', h.workflowId).length === 1, 'the purchase under way');
    expect((await refusal(h.executeUpdate(redeemKeyUpdate, { args: [request(3)] }))).type).toBe(ProductKeyFailure.Redeemed);
    release();
    const redeemed = await redeeming;
    await h.result();

    const [event, ...more] = events(h);
    expect(more).toEqual([]);
    expect(event).toMatchObject({ type: 'product-key.redeemed', partnerId, customerId: 'cus_k2', subject: { kind: 'subscription', id: 'sub_k2' } });
    expect(event!.data).toEqual({
      key: `*****-*****-*****-*****-${key.slice(-5)}`,
      customerId: 'cus_k2',
      newCustomer: true,
      subscriptionId: 'sub_k2',
      sku: 'BUS-STD',
      licenses: 5,
      redeemedAt: redeemed.redeemedAt,
    });
    expect(JSON.stringify([event!.subject, event!.data])).not.toContain(key.slice(0, 11));
  });
});
