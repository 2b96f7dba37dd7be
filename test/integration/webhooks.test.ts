import { randomUUID } from 'node:crypto';
import { createEventActivities } from '../../activities/events/activities';
import { verifyWebhook } from '../../src/webhooks/signature';
import type { EventType } from '../../workflows/events/types';
import type { DeliveryPolicy } from '../../workflows/webhooks/start';
import { addUser, bearer, createPartner, type TestPartner } from '../support/partners';
import { eventually, SECRET_KEY, startTestStack, type TestStack } from '../support/stack';
import { WebhookReceiver } from '../support/webhook-receiver';
import { acceptOffer, sendOffer, trialCustomer } from '../support/flows';
import { SecretBox } from '../../src/webhooks/secret-box';

/**
 * Signed webhooks (SPEC 10a, issue 15): each event reaches each endpoint that takes it at least once,
 * always under the same id, signed; tries go on through a receiver that is down, failing or hanging;
 * a run of failed deliveries disables the endpoint and tells the partner; one event can be replayed.
 * The events here are published by the real activity a workflow calls (the flows' own events are
 * tested end to end in lifecycle-events.test.ts).
 */
const policy: DeliveryPolicy = { timeoutMs: 1000, initialIntervalMs: 200, maxIntervalMs: 1000, retryForMs: 60_000 };
let stack: TestStack;
let p: TestPartner;
let publish: (type: EventType, data?: Record<string, unknown>, partnerId?: string) => Promise<string>;
const receivers: WebhookReceiver[] = [];

beforeAll(async () => {
  stack = await startTestStack({ webhooks: { policy, disableAfterFailedDeliveries: 2 } });
  p = await createPartner(stack);
  const events = createEventActivities({
    models: stack.models,
    temporal: stack.client,
    taskQueue: stack.taskQueue,
    webhooks: { secrets: new SecretBox(SECRET_KEY), allowPrivateUrls: true, policy, disableAfterFailedDeliveries: 2 },
  });
  publish = (type, data = {}, partnerId = p.id) =>
    events.publishEvent({
      type,
      partnerId,
      customerId: 'cus_hooks',
      subject: { kind: 'subscription', id: 'sub_hooks' },
      data,
      key: `test|${randomUUID()}|${type}`,
      at: new Date().toISOString(),
    });
});
afterAll(async () => {
  await Promise.all(receivers.map((r) => r.down()));
  await stack?.stop();
});

const asAdmin = (partner = p) => bearer(partner.admin.token);
async function receiver(): Promise<WebhookReceiver> {
  const r = new WebhookReceiver();
  receivers.push(r);
  await r.up();
  return r;
}
/** An endpoint for the receiver (its secret handed to the receiver, as its owner would). */
async function endpointFor(r: WebhookReceiver, body: Record<string, unknown> = {}, partner = p): Promise<string> {
  const res = await stack.http('POST', '/v1/webhook-endpoints', { url: r.url, ...body }, asAdmin(partner));
  expect(res.status).toBe(201);
  r.secret = res.body.secret;
  return res.body.id;
}
const deliveries = async (endpointId: string, query = '', partner = p) => {
  const res = await stack.http('GET', `/v1/webhook-endpoints/${endpointId}/deliveries${query}`, undefined, asAdmin(partner));
  expect(res.status).toBe(200);
  return res.body.items as Array<{
    id: string;
    eventId: string;
    state: string;
    replay: boolean;
    attempts: Array<{ attempt: number; outcome: string; status?: number; error?: string; latencyMs?: number }>;
  }>;
};

describe('webhook endpoints', () => {
  it('are made by global admins only; the secret is shown once and kept only sealed', async () => {
    const r = await receiver();
    const res = await stack.http('POST', '/v1/webhook-endpoints', { url: r.url, eventTypes: ['trial.started'], description: 'CRM sync' }, asAdmin());
    expect(res.status).toBe(201);
    expect(res.headers.get('location')).toBe(`/v1/webhook-endpoints/${res.body.id}`);
    expect(res.body).toMatchObject({ url: r.url, eventTypes: ['trial.started'], description: 'CRM sync', status: 'enabled' });
    expect(res.body.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    const read = await stack.http('GET', `/v1/webhook-endpoints/${res.body.id}`, undefined, asAdmin());
    expect(read.status).toBe(200);
    expect(read.text).not.toContain(res.body.secret.slice(6));
    const listed = await stack.http('GET', '/v1/webhook-endpoints', undefined, asAdmin());
    expect(listed.body.items.map((e: { id: string }) => e.id)).toContain(res.body.id);
    expect(listed.text).not.toContain(res.body.secret.slice(6));
    const stored = await stack.models.WebhookEndpoint.findById(res.body.id).lean();
    expect(JSON.stringify(stored)).not.toContain(res.body.secret.slice(6));
    expect(new SecretBox(SECRET_KEY).open(stored!.sealedSecret)).toBe(res.body.secret);

    for (const roles of [{ companyRole: 'user-management-admin' }, { companyRole: 'none', customerRole: 'full' }]) {
      const user = await addUser(stack, p, roles);
      expect((await stack.http('POST', '/v1/webhook-endpoints', { url: r.url }, bearer(user.token))).status).toBe(403);
      expect((await stack.http('GET', `/v1/webhook-endpoints/${res.body.id}`, undefined, bearer(user.token))).status).toBe(403);
    }
    // another partner's: not there
    const other = await createPartner(stack);
    expect((await stack.http('GET', `/v1/webhook-endpoints/${res.body.id}`, undefined, asAdmin(other))).status).toBe(404);
    expect((await stack.http('DELETE', `/v1/webhook-endpoints/${res.body.id}`, undefined, asAdmin(other))).status).toBe(404);
  });

  it('a retry of the creation with the same Idempotency-Key is the same endpoint and the same secret', async () => {
    const r = await receiver();
    const headers = { ...asAdmin(), 'idempotency-key': randomUUID() };
    const first = await stack.http('POST', '/v1/webhook-endpoints', { url: r.url }, headers);
    const again = await stack.http('POST', '/v1/webhook-endpoints', { url: r.url }, headers);
    expect(first.status).toBe(201);
    expect(again.body).toEqual(first.body);
    expect(await stack.models.WebhookEndpoint.countDocuments({ url: r.url })).toBe(1);
  });

  it('refuses URLs that are not http(s), carry credentials or a fragment, and bad event types, with 4xx and nothing stored', async () => {
    const before = await stack.models.WebhookEndpoint.countDocuments();
    for (const url of ['ftp://hooks.example.com/x', 'https://user:secret@hooks.example.com/x', 'https://hooks.example.com/x#y', 'hooks.example.com']) {
      const res = await stack.http('POST', '/v1/webhook-endpoints', { url }, asAdmin());
      expect(res.status).toBe(422);
      expect(res.body.type).toMatch(/\/problems\/webhook-url-not-allowed$/);
    }
    for (const body of [
      { url: 'https://hooks.example.com/x', eventTypes: ['trial.started', 'trial.started'] },
      { url: 'https://hooks.example.com/x', eventTypes: ['nope'] },
      {},
    ]) {
      expect((await stack.http('POST', '/v1/webhook-endpoints', body, asAdmin())).status).toBe(400);
    }
    expect(await stack.models.WebhookEndpoint.countDocuments()).toBe(before);
  });
});

describe('deliveries', () => {
  it("carry a whole onboarding chain's events to the partner's endpoint: each signed, each id taken once, the partner of record's too", async () => {
    const partner = await createPartner(stack);
    const r = await receiver();
    const endpointId = await endpointFor(r, {}, partner);
    const c = await trialCustomer(stack, partner);
    const offer = await sendOffer(stack, partner, [c.id], [{ sku: 'BUS-STD', licenses: 10 }], { delegatedAdmin: { durationDays: 365 } });
    const bought = await acceptOffer(stack, offer.code, c.token, { licenses: { 'BUS-STD': 12 } });
    expect(bought.status).toBe(201);
    const granted = await stack.http('POST', `/v1/customer/delegated-admin/${bought.body.delegatedAdmin.relationshipId}/accept`, undefined, bearer(c.token));
    expect(granted.status).toBe(200);
    const changed = await stack.http('POST', `/v1/customer/subscriptions/${c.subscriptionId}/licenses`, { licenses: 14 }, bearer(c.token));
    expect(changed.status).toBe(200);

    const types = ['invitation.accepted', 'trial.started', 'subscription.created', 'offer.accepted', 'delegated-admin.accepted', 'subscription.changed'];
    const recorded = await eventually(
      async () => {
        const events = await stack.models.Event.find({ partnerId: partner.id }).lean();
        return events.length >= types.length && events;
      },
      20_000,
      'the chain’s events',
    );
    expect(recorded.map((e) => e.type).sort()).toEqual([...types].sort());
    await eventually(async () => recorded.every((e) => r.processed.has(e._id)), 20_000, 'every event delivered');
    expect([...r.processed.values()].map((e) => e.type).sort()).toEqual([...types].sort());
    expect(r.received.every((a) => a.verified)).toBe(true);
    expect([...r.processed.entries()].find(([, e]) => e.type === 'subscription.changed')![1].data).toMatchObject({ change: 'licenses', licenses: 14 });
    // each closed as delivered at its first try (closing comes a moment after the receiver's answer)
    const log = await eventually(
      async () => {
        const ds = await deliveries(endpointId, '', partner);
        return ds.every((d) => d.state === 'delivered') && ds;
      },
      20_000,
      'the deliveries closed',
    );
    expect(log).toHaveLength(types.length);
    expect(log.every((d) => d.attempts.length === 1 && d.attempts[0]!.status === 204)).toBe(true);
  }, 60_000);

  it('go on through a receiver that is down, then failing, then hanging, until it takes them: every event arrives, signed, each id taken once', async () => {
    const r = await receiver();
    const endpointId = await endpointFor(r);
    await r.down(); // connections refused
    const ids = [];
    for (let i = 0; i < 5; i++) ids.push(await publish('subscription.changed', { licenses: 10 + i }));
    await eventually(
      async () => (await deliveries(endpointId)).every((d) => d.attempts.some((a) => a.error?.includes('ECONNREFUSED'))),
      20_000,
      'refused tries',
    );
    r.mode = 'error';
    await r.up();
    await eventually(async () => (await deliveries(endpointId)).every((d) => d.attempts.some((a) => a.status === 500)), 20_000, 'tries answered 500');
    r.mode = 'hang';
    await eventually(
      async () => (await deliveries(endpointId)).some((d) => d.attempts.some((a) => a.error?.includes('no answer within 1000 ms'))),
      20_000,
      'a try timed out',
    );
    r.mode = 'ok';
    const done = await eventually(
      async () => {
        const ds = await deliveries(endpointId);
        return ds.length === 5 && ds.every((d) => d.state === 'delivered') && ds;
      },
      30_000,
      'all delivered',
    );

    expect(new Set(r.processed.keys())).toEqual(new Set(ids));
    for (const id of ids) {
      const arrivals = r.of(id);
      expect(arrivals.length).toBeGreaterThanOrEqual(2); // the 500, the hang, and the one taken: each the same id
      expect(arrivals.every((a) => a.verified)).toBe(true);
      expect(new Set(arrivals.map((a) => JSON.parse(a.body).id))).toEqual(new Set([id]));
    }
    expect(r.processed.get(ids[2]!)).toEqual({ type: 'subscription.changed', data: { licenses: 12 } });
    // the log: every try, in order, the last one taken, with its latency
    for (const d of done) {
      expect(d.attempts.map((a) => a.attempt)).toEqual(d.attempts.map((_, i) => i + 1));
      const last = d.attempts.at(-1)!;
      expect(last).toMatchObject({ outcome: 'delivered', status: 204 });
      expect(last.latencyMs).toBeGreaterThanOrEqual(0);
      expect(d.attempts.slice(0, -1).every((a) => a.outcome === 'failed')).toBe(true);
    }
  }, 120_000);

  it('carry a signature a receiver can check, and a replayed (old) or forged delivery is refused', async () => {
    const r = await receiver();
    await endpointFor(r);
    const id = await publish('trial.started', { sku: 'BUS-STD' });
    const got = await eventually(async () => r.of(id)[0], 20_000, 'the delivery');
    const headers = got.headers as Record<string, string>;
    const sentAt = Number(headers['webhook-timestamp']);
    expect(Math.abs(sentAt - Date.now() / 1000)).toBeLessThan(30);
    expect(verifyWebhook(r.secret, headers, got.body)).toMatchObject({ id, type: 'trial.started', partnerId: p.id, data: { sku: 'BUS-STD' } });
    expect(() => verifyWebhook(r.secret, headers, got.body, { nowSeconds: sentAt + 600 })).toThrow('too old');
    expect(() => verifyWebhook(r.secret, headers, got.body.replace('BUS-STD', 'BUS-PRM'))).toThrow('no matching signature');
    // the receiver itself answers a forged delivery 401
    const forged = await fetch(r.url, { method: 'POST', headers: { ...headers, 'webhook-id': 'evt_forged' }, body: got.body });
    expect(forged.status).toBe(401);
    expect(r.processed.has('evt_forged')).toBe(false);
  });

  it('go only to endpoints that take the event type, of the partner whose event it is', async () => {
    const trials = await receiver();
    const all = await receiver();
    const otherPartners = await receiver();
    const trialsId = await endpointFor(trials, { eventTypes: ['trial.started', 'trial.expired'] });
    await endpointFor(all);
    const other = await createPartner(stack);
    await endpointFor(otherPartners, {}, other);
    const offer = await publish('offer.accepted');
    const trial = await publish('trial.started');
    await eventually(async () => all.processed.has(offer) && all.processed.has(trial) && trials.processed.has(trial), 20_000, 'deliveries');
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(trials.processed.has(offer)).toBe(false);
    expect((await deliveries(trialsId)).map((d) => d.eventId)).toEqual([trial]);
    expect(otherPartners.received).toEqual([]);
    // and a partner reads only its own events
    expect((await stack.http('GET', `/v1/events/${offer}`, undefined, asAdmin())).body).toMatchObject({ id: offer, type: 'offer.accepted', partnerId: p.id });
    expect((await stack.http('GET', `/v1/events/${offer}`, undefined, asAdmin(other))).status).toBe(404);
    const listed = await stack.http('GET', '/v1/events?type=offer.accepted', undefined, asAdmin());
    expect(listed.body.items.map((e: { id: string }) => e.id)).toContain(offer);
    expect(listed.body.items.every((e: { type: string }) => e.type === 'offer.accepted')).toBe(true);
  });

  it('a replay sends the same event again under the same id: a receiver that dedupes takes it once', async () => {
    const r = await receiver();
    const endpointId = await endpointFor(r);
    const id = await publish('offer.declined');
    await eventually(async () => r.processed.has(id), 20_000, 'first delivery');
    const headers = { ...asAdmin(), 'idempotency-key': randomUUID() };
    const res = await stack.http('POST', `/v1/webhook-endpoints/${endpointId}/replays`, { eventId: id }, headers);
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ eventId: id, replay: true });
    // the same request again is the same replay
    expect((await stack.http('POST', `/v1/webhook-endpoints/${endpointId}/replays`, { eventId: id }, headers)).body.id).toBe(res.body.id);
    await eventually(async () => r.of(id).length === 2, 20_000, 'the replay');
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(r.of(id)).toHaveLength(2);
    expect(r.processed.size).toBe(1);
    const log = await deliveries(endpointId, `?eventId=${id}`);
    expect(log.map((d) => [d.replay, d.state]).sort()).toEqual([
      [false, 'delivered'],
      [true, 'delivered'],
    ]);
    // an event of another partner, or none: 404
    const other = await createPartner(stack);
    const theirs = await publish('offer.declined', {}, other.id);
    expect((await stack.http('POST', `/v1/webhook-endpoints/${endpointId}/replays`, { eventId: theirs }, asAdmin())).status).toBe(404);
    expect((await stack.http('POST', `/v1/webhook-endpoints/${endpointId}/replays`, { eventId: 'evt_nothing' }, asAdmin())).status).toBe(404);
  });

  it('a run of failed deliveries disables the endpoint and e-mails the partner; events then skip it until it is enabled and replayed', async () => {
    const failing = await startTestStack({ webhooks: { policy: { ...policy, retryForMs: 1500 }, disableAfterFailedDeliveries: 2 } });
    try {
      const partner = await createPartner(failing);
      const events = createEventActivities({
        models: failing.models,
        temporal: failing.client,
        taskQueue: failing.taskQueue,
        webhooks: { secrets: new SecretBox(SECRET_KEY), allowPrivateUrls: true, policy: { ...policy, retryForMs: 1500 }, disableAfterFailedDeliveries: 2 },
      });
      const send = (type: EventType) =>
        events.publishEvent({
          type,
          partnerId: partner.id,
          subject: { kind: 'offer', id: 'off_1' },
          data: {},
          key: `test|${randomUUID()}|${type}`,
          at: new Date().toISOString(),
        });
      const r = await receiver();
      r.mode = 'error';
      const created = await failing.http('POST', '/v1/webhook-endpoints', { url: r.url }, asAdmin(partner));
      const endpointId = created.body.id as string;
      r.secret = created.body.secret;
      const first = await send('offer.accepted');
      await eventually(async () => (await failing.models.WebhookDelivery.findOne({ eventId: first }).lean())?.state === 'failed', 20_000, 'first failed');
      expect((await failing.http('GET', `/v1/webhook-endpoints/${endpointId}`, undefined, asAdmin(partner))).body.status).toBe('enabled'); // one is no run
      await send('offer.expired');
      const disabled = await eventually(
        async () => {
          const e = (await failing.http('GET', `/v1/webhook-endpoints/${endpointId}`, undefined, asAdmin(partner))).body;
          return e.status === 'disabled' && e;
        },
        20_000,
        'disabled',
      );
      expect(disabled.disabledReason).toMatch(/the last 2 deliveries failed.*500/);
      const mail = await eventually(
        () => failing.models.OutboxMessage.findOne({ partnerId: partner.id, kind: 'webhook-endpoint-disabled' }).lean(),
        20_000,
        'the e-mail',
      );
      expect(mail).toMatchObject({ subject: `Webhook endpoint disabled: ${r.url}` });
      expect(mail!.text).toContain('enable the endpoint');
      expect(await failing.models.OutboxMessage.countDocuments({ partnerId: partner.id, kind: 'webhook-endpoint-disabled' })).toBe(1);

      // disabled: a new event is not sent to it, and it takes no replay
      const third = await send('offer.accepted');
      await new Promise((resolve) => setTimeout(resolve, 1000));
      expect(await failing.models.WebhookDelivery.countDocuments({ eventId: third })).toBe(0);
      const refused = await failing.http('POST', `/v1/webhook-endpoints/${endpointId}/replays`, { eventId: third }, asAdmin(partner));
      expect(refused.status).toBe(409);
      expect(refused.body.type).toMatch(/\/problems\/webhook-endpoint-disabled$/);

      // the receiver mended, the endpoint enabled: the missed event replayed by id arrives
      r.mode = 'ok';
      const enabled = await failing.http('PATCH', `/v1/webhook-endpoints/${endpointId}`, { enabled: true }, asAdmin(partner));
      expect(enabled.body).toMatchObject({ status: 'enabled' });
      expect(enabled.body.disabledReason).toBeUndefined();
      expect((await failing.http('POST', `/v1/webhook-endpoints/${endpointId}/replays`, { eventId: third }, asAdmin(partner))).status).toBe(202);
      await eventually(async () => r.processed.has(third), 20_000, 'the replayed event');
      // enabled again, it starts a run afresh: one more failed delivery is no run of 2
      r.mode = 'error';
      const fourth = await send('offer.declined');
      await eventually(async () => (await failing.models.WebhookDelivery.findOne({ eventId: fourth }).lean())?.state === 'failed', 20_000, 'fourth failed');
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect((await failing.http('GET', `/v1/webhook-endpoints/${endpointId}`, undefined, asAdmin(partner))).body.status).toBe('enabled');
    } finally {
      await failing.stop();
    }
  }, 90_000);
});

describe('webhook URLs in production (private addresses refused)', () => {
  let strict: TestStack;
  beforeAll(async () => {
    strict = await startTestStack({ webhooks: { allowPrivateUrls: false } });
  });
  afterAll(() => strict?.stop());

  it('refuses loopback, private and link-local addresses when saved, and takes public ones', async () => {
    const partner = await createPartner(strict);
    for (const url of ['http://127.0.0.1:4000/x', 'http://localhost/x', 'http://10.0.0.5/x', 'http://169.254.169.254/latest', 'http://[::1]/x']) {
      const res = await strict.http('POST', '/v1/webhook-endpoints', { url }, asAdmin(partner));
      expect(res.status).toBe(422);
      expect(res.body.detail).toMatch(/localhost|loopback, private or link-local/);
    }
    const ok = await strict.http('POST', '/v1/webhook-endpoints', { url: 'https://hooks.example.com/offerflow' }, asAdmin(partner));
    expect(ok.status).toBe(201);
    expect((await strict.http('PATCH', `/v1/webhook-endpoints/${ok.body.id}`, { url: 'http://192.168.0.10/x' }, asAdmin(partner))).status).toBe(422);
  });
});
