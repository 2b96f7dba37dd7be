import { bearer, createPartner, type TestPartner } from '../support/partners';
import { eventually, type TestStack } from '../support/stack';
import { trialCustomer } from '../support/flows';
import { useStackWithPartner } from '../support/use-stack';
import { ApplicationFailure } from '@temporalio/common';
import { serviceRequestOperations } from '../../src/service-requests/operations';

let stack: TestStack;
let p: TestPartner;
useStackWithPartner((s, partner) => {
  stack = s;
  p = partner;
});

const asPartner = (partner = p) => bearer(partner.admin.token);
const opening = (over: Record<string, unknown> = {}) => ({
  title: 'Mail does not arrive',
  description: 'Since Monday no external mail\nreaches the sales team.',
  severity: 'critical',
  ...over,
});

/** A customer of `partner` in its trial, with delegated administration agreed at once (active). */
async function administeredCustomer(partner = p) {
  const c = await trialCustomer(stack, partner, { delegatedAdmin: { durationDays: 30 } }, { acceptDelegatedAdmin: true });
  await eventually(
    async () => (await stack.models.Relationship.exists({ partnerId: partner.id, customerId: c.id, status: 'active' })) !== null,
    20_000,
    'the relationship active',
  );
  await eventually(async () => (await stack.models.Subscription.exists({ customerId: c.id })) !== null, 20_000, 'the trial stored');
  return c;
}

const openAsCustomer = (token: string, body: Record<string, unknown>, headers: Record<string, string> = {}) =>
  stack.http('POST', '/v1/customer/service-requests', body, { ...bearer(token), ...headers });
const openAsPartner = (customerId: string, body: Record<string, unknown>, partner = p) =>
  stack.http('POST', `/v1/customers/${customerId}/service-requests`, body, asPartner(partner));
const outbox = (customerId: string, kind: string) => stack.models.OutboxMessage.find({ customerId, kind }).lean();

/** The operations as an activity calls them (a delegated-admin gate). */
const operations = () => serviceRequestOperations({ temporal: stack.client, taskQueue: stack.taskQueue, models: stack.models });
const reopening = (customerId: string) => ({
  partnerId: p.id,
  customerId,
  title: 'Mail does not arrive',
  description: 'Since Monday no external mail\nreaches the sales team.',
  severity: 'critical' as const,
  actor: { kind: 'customer' as const },
  requested: { actor: { kind: 'customer' as const, id: customerId }, requestId: 'retry' },
});

describe('service requests', () => {
  it('through its whole life through the API, with its reminder on a short duration', async () => {
    const c = await administeredCustomer();
    const partnerEmail = (await stack.models.Partner.findById(p.id).lean())!.profile.email;
    const customerEmail = (await stack.models.Customer.findById(c.id).lean())!.contacts[0]!.email;

    const opened = await openAsCustomer(c.token, opening({ partnerId: p.id, attentionReminderSeconds: 2 }));
    expect(opened.status).toBe(201);
    const id: string = opened.body.id;
    expect(opened.body).toMatchObject({
      partnerId: p.id,
      customerId: c.id,
      status: 'open',
      severity: 'critical',
      description: 'Since Monday no external mail\nreaches the sales team.',
      openedBy: { kind: 'customer', id: c.id },
      workflowId: `service-request:${id}`,
      history: [{ n: 1, change: { kind: 'opened' } }],
    });
    expect(opened.headers.get('location')).toBe(`/v1/customer/service-requests/${id}`);
    const told = await eventually(async () => (await outbox(c.id, 'service-request-opened'))[0], 10_000, 'the partner told');
    expect(told.to).toBe(partnerEmail);

    // the partner (full role, active delegated administration) answers: the customer is told
    const relationshipId = (await stack.models.Relationship.findOne({ partnerId: p.id, customerId: c.id, status: 'active' }).lean())!._id;
    const partnerNote = await stack.http('POST', `/v1/service-requests/${id}/notes`, { text: 'Looking at your MX records.' }, asPartner());
    expect(partnerNote.status).toBe(200);
    expect(partnerNote.body.notes).toEqual([
      { n: 1, by: { kind: 'partner-user', id: p.admin.id, relationshipId }, text: 'Looking at your MX records.', at: expect.any(String) },
    ]);
    expect((await outbox(c.id, 'service-request-note')).map((m) => m.to)).toEqual([customerEmail]);

    // the customer answers: the partner is told
    const customerNote = await stack.http('POST', `/v1/customer/service-requests/${id}/notes`, { text: 'Still nothing.' }, bearer(c.token));
    expect(customerNote.body.notes).toHaveLength(2);
    expect((await outbox(c.id, 'service-request-note')).map((m) => m.to).sort()).toEqual([customerEmail, partnerEmail].sort());

    const attention = await stack.http('POST', `/v1/customer/service-requests/${id}/status`, { status: 'attention-needed' }, bearer(c.token));
    expect(attention.body.status).toBe('attention-needed');
    const reminder = await eventually(async () => (await outbox(c.id, 'service-request-reminder'))[0], 20_000, 'the reminder');
    expect(reminder.to).toBe(partnerEmail);

    const closed = await stack.http('POST', `/v1/service-requests/${id}/status`, { status: 'closed' }, asPartner());
    expect(closed.body).toMatchObject({ status: 'closed', closedAt: expect.any(String) });
    await stack.client.workflow.getHandle(`service-request:${id}`).result();
    const late = await stack.http('POST', `/v1/customer/service-requests/${id}/notes`, { text: 'One more thing' }, bearer(c.token));
    expect(late).toMatchObject({ status: 409, body: { type: '/problems/service-request-closed' } });
    const reopen = await stack.http('POST', `/v1/customer/service-requests/${id}/status`, { status: 'open' }, bearer(c.token));
    expect(reopen.body.type).toBe('/problems/service-request-closed');

    const seen = await stack.http('GET', `/v1/customer/service-requests/${id}`, undefined, bearer(c.token));
    expect(seen.body.history.map((h: { change: { kind: string; to?: string } }) => h.change.to ?? h.change.kind)).toEqual([
      'opened',
      'note',
      'note',
      'attention-needed',
      'reminder',
      'closed',
    ]);
    expect((await stack.http('GET', `/v1/service-requests/${id}`, undefined, asPartner())).body).toEqual(seen.body);
    expect((await outbox(c.id, 'service-request-reminder')).length).toBe(1);

    const audit = await stack.models.AuditEvent.find({ partnerId: p.id, 'target.id': id }).sort({ _id: 1 }).lean();
    expect(audit.map((a) => [a.action, a.actor.kind])).toEqual([
      ['service-request.opened', 'customer'],
      ['service-request.noted', 'partner-user'],
      ['service-request.noted', 'customer'],
      ['service-request.status-changed', 'customer'],
      ['service-request.status-changed', 'partner-user'],
    ]);
    expect(JSON.parse(audit[1]!.details)).toMatchObject({ customerId: c.id, relationshipId });
  }, 90_000);

  it('lists: across the partner’s customers and per customer, filtered by status and severity, a page at a time', async () => {
    const [c1, c2] = await Promise.all([administeredCustomer(), administeredCustomer()]);
    const a = await openAsPartner(c1.id, opening({ severity: 'critical' }));
    expect(a.status).toBe(201);
    expect(a.body.openedBy).toMatchObject({ kind: 'partner-user', id: p.admin.id });
    const b = await openAsCustomer(c1.token, opening({ severity: 'minimal' })); // its only partner: no need to name it
    const d = await openAsCustomer(c2.token, opening({ severity: 'critical', partnerId: p.id }));
    expect([b.status, d.status]).toEqual([201, 201]);
    await stack.http('POST', `/v1/service-requests/${d.body.id}/status`, { status: 'attention-needed' }, asPartner());

    const ids = (res: { body: { items: Array<{ id: string }> } }) => res.body.items.map((i) => i.id);
    const mine = [a.body.id, b.body.id, d.body.id];
    const all = await stack.http('GET', '/v1/service-requests', undefined, asPartner());
    expect(ids(all).filter((i: string) => mine.includes(i))).toEqual([d.body.id, b.body.id, a.body.id]); // newest first
    expect(all.body.items[0]).not.toHaveProperty('history');
    const critical = await stack.http('GET', '/v1/service-requests?severity=critical', undefined, asPartner());
    expect(ids(critical)).toEqual(expect.arrayContaining([a.body.id, d.body.id]));
    expect(ids(critical)).not.toContain(b.body.id);
    const needing = await stack.http('GET', '/v1/service-requests?status=attention-needed&severity=critical', undefined, asPartner());
    expect(ids(needing)).toEqual([d.body.id]);
    expect(ids(await stack.http('GET', `/v1/service-requests?customerId=${c2.id}`, undefined, asPartner()))).toEqual([d.body.id]);
    expect(ids(await stack.http('GET', `/v1/customers/${c1.id}/service-requests`, undefined, asPartner()))).toEqual([b.body.id, a.body.id]);
    expect(ids(await stack.http('GET', `/v1/customers/${c1.id}/service-requests?severity=minimal`, undefined, asPartner()))).toEqual([b.body.id]);
    expect(ids(await stack.http('GET', '/v1/customer/service-requests?status=open', undefined, bearer(c1.token)))).toEqual([b.body.id, a.body.id]);
    expect(ids(await stack.http('GET', '/v1/customer/service-requests?status=attention-needed', undefined, bearer(c1.token)))).toEqual([]);

    const first = await stack.http('GET', `/v1/customers/${c1.id}/service-requests?limit=1`, undefined, asPartner());
    expect(ids(first)).toEqual([b.body.id]);
    const next = await stack.http('GET', `/v1/customers/${c1.id}/service-requests?limit=1&cursor=${first.body.nextCursor}`, undefined, asPartner());
    expect(ids(next)).toEqual([a.body.id]);
    expect(next.body.nextCursor).toBeUndefined();
  }, 90_000);

  it('is the partner’s and the customer’s only: others get 404, a partner not authorised 403, and acting needs active delegated administration', async () => {
    const c = await administeredCustomer();
    const opened = await openAsCustomer(c.token, opening({ partnerId: p.id }));
    const id: string = opened.body.id;

    const other = await createPartner(stack);
    for (const path of [`/v1/service-requests/${id}`, `/v1/customers/${c.id}/service-requests`]) {
      expect((await stack.http('GET', path, undefined, asPartner(other))).body.type).toBe('/problems/not-found');
    }
    expect((await stack.http('POST', `/v1/service-requests/${id}/notes`, { text: 'hi' }, asPartner(other))).status).toBe(404);
    expect((await stack.http('GET', '/v1/service-requests', undefined, asPartner(other))).text).not.toContain(id);

    const stranger = await trialCustomer(stack, p);
    expect((await stack.http('GET', `/v1/customer/service-requests/${id}`, undefined, bearer(stranger.token))).status).toBe(404);
    expect((await stack.http('POST', `/v1/customer/service-requests/${id}/notes`, { text: 'hi' }, bearer(stranger.token))).status).toBe(404);
    expect((await stack.http('GET', '/v1/customer/service-requests', undefined, bearer(stranger.token))).body.items).toEqual([]);
    // a customer opens only with a partner it works with
    const elsewhere = await openAsCustomer(stranger.token, opening({ partnerId: other.id }));
    expect(elsewhere).toMatchObject({ status: 400, body: { type: '/problems/validation', errors: [{ path: 'partnerId' }] } });

    const unauthorised = await createPartner(stack, { authorisations: ['subscription-advisor', 'delegated-admin-certified'] });
    for (const [method, path] of [
      ['GET', '/v1/service-requests'],
      ['GET', `/v1/service-requests/${id}`],
      ['POST', `/v1/customers/${c.id}/service-requests`],
    ] as const) {
      const refused = await stack.http(method, path, method === 'POST' ? opening() : undefined, asPartner(unauthorised));
      expect({ status: refused.status, type: refused.body.type }).toEqual({ status: 403, type: '/problems/authorisation-required' });
      expect(refused.body.detail).toContain('authorised service provider');
    }

    // the stranger is a customer of p, without delegated administration
    const withoutDelegation = await openAsPartner(stranger.id, opening());
    expect({ status: withoutDelegation.status, type: withoutDelegation.body.type }).toEqual({ status: 403, type: '/problems/delegated-admin-required' });
    const strangers = await openAsCustomer(stranger.token, opening({ partnerId: p.id }));
    expect(strangers.status).toBe(201);
    const note = await stack.http('POST', `/v1/service-requests/${strangers.body.id}/notes`, { text: 'hi' }, asPartner());
    expect(note.body.type).toBe('/problems/delegated-admin-required');
    // but it reads them
    expect((await stack.http('GET', `/v1/service-requests/${strangers.body.id}`, undefined, asPartner())).status).toBe(200);
  }, 90_000);

  it('a retry with the same Idempotency-Key meets the same request: one workflow, one note, one audit entry each', async () => {
    const c = await administeredCustomer();
    const key = { 'idempotency-key': `open-${c.id}` };
    const [first, again] = [await openAsCustomer(c.token, opening({ partnerId: p.id }), key), await openAsCustomer(c.token, opening({ partnerId: p.id }), key)];
    expect(first.status).toBe(201);
    expect(again.body.id).toBe(first.body.id);
    expect(await stack.models.ServiceRequest.countDocuments({ customerId: c.id })).toBe(1);
    // the answer lost (the kept one gone): the same request runs again and meets the same workflow
    await stack.models.IdempotencyKey.deleteMany({});
    const rerun = await operations().open({ ...reopening(c.id), serviceRequestId: first.body.id });
    expect(rerun).toMatchObject({ serviceRequestId: first.body.id, title: first.body.title, history: [{ n: 1 }] });
    expect(await stack.models.ServiceRequest.countDocuments({ customerId: c.id })).toBe(1);

    const noteKey = { ...asPartner(), 'idempotency-key': `note-${c.id}` };
    const path = `/v1/service-requests/${first.body.id}/notes`;
    expect((await stack.http('POST', path, { text: 'On it.' }, noteKey)).status).toBe(200);
    await stack.models.IdempotencyKey.deleteMany({});
    const noteAgain = await stack.http('POST', path, { text: 'On it.' }, noteKey);
    expect(noteAgain.body.notes).toHaveLength(1);

    const actions = (await stack.models.AuditEvent.find({ partnerId: p.id, 'target.id': first.body.id }).lean()).map((a) => a.action).sort();
    expect(actions).toEqual(['service-request.noted', 'service-request.opened']);
    const told = () => stack.models.OutboxMessage.countDocuments({ customerId: c.id, kind: { $in: ['service-request-opened', 'service-request-note'] } });
    await eventually(async () => (await told()) === 2, 10_000, 'the opening and the note told');
    await new Promise((r) => setTimeout(r, 300));
    expect(await told()).toBe(2);
  }, 90_000);

  it('the operations, as an activity calls them: idempotent by the ids given, and a refusal is the non-retryable ApplicationFailure it is', async () => {
    const c = await administeredCustomer();
    const relationshipId = (await stack.models.Relationship.findOne({ partnerId: p.id, customerId: c.id, status: 'active' }).lean())!._id;
    const ops = operations();
    const serviceRequestId = `srq_ops${c.id.slice(-8)}`;
    const actor = { kind: 'partner-user' as const, userId: p.admin.id, relationshipId };
    const requested = { actor: { kind: 'partner-user' as const, id: p.admin.id }, requestId: 'gate-1' };
    const opened = await ops.open({ ...reopening(c.id), serviceRequestId, actor, requested, updateId: 'gate-open' });
    expect(await ops.open({ ...reopening(c.id), serviceRequestId, actor, requested, updateId: 'gate-open' })).toMatchObject({
      serviceRequestId,
      openedAt: opened.openedAt,
    });
    const base = { serviceRequestId, partnerId: p.id, customerId: c.id, actor, requested };
    await ops.addNote({ ...base, text: 'Checked.', updateId: 'gate-note' });
    expect((await ops.addNote({ ...base, text: 'Checked.', updateId: 'gate-note' })).notes).toHaveLength(1);
    await ops.setStatus({ ...base, status: 'closed', updateId: 'gate-close' });
    await stack.client.workflow.getHandle(`service-request:${serviceRequestId}`).result();
    const refused = await ops.addNote({ ...base, text: 'Again.', updateId: 'gate-late' }).catch((err: unknown) => err);
    expect(refused).toBeInstanceOf(ApplicationFailure);
    expect(refused).toMatchObject({ type: 'ServiceRequestClosed', nonRetryable: true });
    const unchanged = await ops.open({ ...reopening(c.id), serviceRequestId: `${serviceRequestId}x`, actor, requested });
    const same = await ops.setStatus({ ...base, serviceRequestId: unchanged.serviceRequestId, status: 'open' }).catch((err: unknown) => err);
    expect(same).toMatchObject({ type: 'ServiceRequestStatusUnchanged', nonRetryable: true });
    const foreign = await ops.addNote({ ...base, customerId: 'cus_other', text: 'x' }).catch((err: unknown) => err);
    expect(foreign).toMatchObject({ type: 'ServiceRequestNotFound', nonRetryable: true });
  }, 90_000);
});
