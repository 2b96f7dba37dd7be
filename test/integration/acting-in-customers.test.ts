import { bearer, operator, addUser, type TestPartner } from '../support/partners';
import { eventually, type TestStack } from '../support/stack';
import { acceptOffer, sendOffer, trialCustomer } from '../support/flows';
import { useStackWithPartner } from '../support/use-stack';

let stack: TestStack;
let p: TestPartner;
useStackWithPartner((s, partner) => {
  stack = s;
  p = partner;
});

/** A customer of the partner that bought 10 BUS-STD licenses, with an active relationship (`role`) it accepted. */
async function administered(role: 'full' | 'limited' = 'full', accept = true) {
  const c = await trialCustomer(stack, p);
  const offer = await sendOffer(stack, p, [c.id], [{ sku: 'BUS-STD', licenses: 10 }]);
  expect((await acceptOffer(stack, offer.code, c.token)).status).toBe(201);
  await eventually(async () => (await stack.models.Subscription.findById(c.subscriptionId).lean())?.status === 'active', 20_000, 'the subscription');
  const asked = await stack.http('POST', `/v1/customers/${c.id}/delegated-admin`, { role }, bearer(p.admin.token));
  expect(asked.status).toBe(201);
  if (accept) expect((await stack.http('POST', `/v1/customer/delegated-admin/${asked.body.id}/accept`, undefined, bearer(c.token))).status).toBe(200);
  return { ...c, relationshipId: asked.body.id as string };
}

const asPartner = (token = p.admin.token) => bearer(token);
const userBody = (n: string | number, extra: Record<string, unknown> = {}) => ({
  email: `user-${n}-${Date.now()}@tenant.example`,
  displayName: `User ${n}`,
  ...extra,
});
const createAsPartner = (customerId: string, body: Record<string, unknown>, token = p.admin.token) =>
  stack.http('POST', `/v1/customers/${customerId}/users`, body, asPartner(token));
const resetAsPartner = (customerId: string, userId: string, token = p.admin.token) =>
  stack.http('POST', `/v1/customers/${customerId}/users/${userId}/password-reset`, undefined, asPartner(token));

describe('acting in customers under delegated administration', () => {
  it('a full-role partner user manages the customer’s users; the customer sees who did what, when, under which relationship', async () => {
    const c = await administered('full');
    const made = await createAsPartner(c.id, userBody('alice', { skus: ['BUS-STD'] }));
    expect(made.status).toBe(201);
    expect(made.body).toMatchObject({ customerId: c.id, role: 'user', skus: ['BUS-STD'], mustChangePassword: false });
    const renamed = await stack.http('PATCH', `/v1/customers/${c.id}/users/${made.body.id}`, { displayName: 'Alice Renamed' }, asPartner());
    expect(renamed.body.displayName).toBe('Alice Renamed');

    const reset = await resetAsPartner(c.id, made.body.id);
    expect(reset.status).toBe(200);
    const otp: string = reset.body.temporaryPassword;
    expect(otp).toMatch(/^[A-Za-z0-9]{16}$/);
    expect(reset.body.user).toMatchObject({
      mustChangePassword: true,
      lastPasswordReset: { by: { kind: 'partner-user', id: p.admin.id }, relationshipId: c.relationshipId },
    });
    // stored only as a slow hash
    const stored = (await stack.models.CustomerUser.findById(made.body.id).lean())!;
    expect(stored.passwordHash).toMatch(/^scrypt\$32768\$8\$1\$/);
    expect(JSON.stringify(stored)).not.toContain(otp);

    // the one-time password must be changed at the next sign-in
    const email = made.body.email;
    const signIn = (password: string) => stack.http('POST', '/v1/customer-users/sign-in', { customerId: c.id, email, password });
    expect((await signIn('wrong password')).body.type).toBe('/problems/invalid-credentials');
    expect((await signIn(otp)).body.type).toBe('/problems/password-change-required');
    const changed = await stack.http('POST', '/v1/customer-users/password', { customerId: c.id, email, password: otp, newPassword: 'correct horse battery' });
    expect(changed.body).toMatchObject({ mustChangePassword: false });
    expect((await signIn(otp)).body.type).toBe('/problems/invalid-credentials');
    expect((await signIn('correct horse battery')).status).toBe(200);

    const activity = await stack.http('GET', '/v1/customer/activity?byPartners=true', undefined, bearer(c.token));
    const acts = activity.body.items.filter((e: { target: { kind: string } }) => e.target.kind === 'customer-user');
    expect(acts.map((e: { action: string }) => e.action).sort()).toEqual(['customer-user.created', 'customer-user.password-reset', 'customer-user.updated']);
    for (const e of acts) {
      expect(e).toMatchObject({
        actor: { kind: 'partner-user', id: p.admin.id },
        details: { relationshipId: c.relationshipId, actingRole: 'full', customerId: c.id },
      });
      expect(Date.parse(e.at)).toBeGreaterThan(0);
    }
    // and the partner's own audit log holds them too
    const log = await stack.http('GET', '/v1/audit-events?action=customer-user.password-reset', undefined, asPartner());
    expect(log.body.items.some((e: { target: { id: string } }) => e.target.id === made.body.id)).toBe(true);

    expect((await stack.http('DELETE', `/v1/customers/${c.id}/users/${made.body.id}`, undefined, asPartner())).status).toBe(204);
    expect((await stack.http('GET', `/v1/customer/users/${made.body.id}`, undefined, bearer(c.token))).status).toBe(404);
  }, 120_000);

  it('a retried password reset (same Idempotency-Key) answers with the same one-time password, reset once', async () => {
    const c = await administered('full');
    const made = await createAsPartner(c.id, userBody('retry'));
    const key = { ...asPartner(), 'idempotency-key': `reset-${made.body.id}-0123456789` };
    const first = await stack.http('POST', `/v1/customers/${c.id}/users/${made.body.id}/password-reset`, undefined, key);
    await stack.models.IdempotencyKey.deleteMany({}); // as if the first answer was lost before it was kept
    const again = await stack.http('POST', `/v1/customers/${c.id}/users/${made.body.id}/password-reset`, undefined, key);
    expect(again.body.temporaryPassword).toBe(first.body.temporaryPassword);
    expect(await stack.models.AuditEvent.countDocuments({ action: 'customer-user.password-reset', 'target.id': made.body.id })).toBe(1);
    const signIn = await stack.http('POST', '/v1/customer-users/sign-in', { customerId: c.id, email: made.body.email, password: first.body.temporaryPassword });
    expect(signIn.body.type).toBe('/problems/password-change-required');

    // Once the user has changed it, a retry no longer hands out the old one-time password (by the partner or the customer).
    const ownKey = { ...bearer(c.token), 'idempotency-key': `own-reset-${made.body.id}-0123456789` };
    const own = await stack.http('POST', `/v1/customer/users/${made.body.id}/password-reset`, undefined, ownKey);
    expect(own.status).toBe(200);
    const changed = await stack.http('POST', '/v1/customer-users/password', {
      customerId: c.id,
      email: made.body.email,
      password: own.body.temporaryPassword,
      newPassword: 'a new password of my own 42',
    });
    expect(changed.status).toBe(200);
    const retries = [
      [`/v1/customers/${c.id}/users/${made.body.id}/password-reset`, key],
      [`/v1/customer/users/${made.body.id}/password-reset`, ownKey],
    ] as const;
    // the kept answers, then (as if they were lost) the requests run again under their keys
    for (const lost of [false, true]) {
      if (lost) await stack.models.IdempotencyKey.updateMany({}, { $set: { state: 'in-progress', leaseUntil: new Date(0) }, $unset: { reply: 1 } });
      for (const [path, headers] of retries) {
        const stale = await stack.http('POST', path, undefined, headers);
        expect(stale).toMatchObject({ status: 410, body: { type: '/problems/secret-withdrawn' } });
        expect(stale.text).not.toContain(own.body.temporaryPassword);
        expect(stale.text).not.toContain(first.body.temporaryPassword);
      }
    }
    expect(await stack.models.AuditEvent.countDocuments({ action: 'customer-user.password-reset', 'target.id': made.body.id })).toBe(2);
    const signedIn = await stack.http('POST', '/v1/customer-users/sign-in', {
      customerId: c.id,
      email: made.body.email,
      password: 'a new password of my own 42',
    });
    expect(signedIn.status).toBe(200);
  }, 120_000);

  it('licenses: never more assigned than the subscriptions hold, even when assigned at once; decreases are checked against the assigned', async () => {
    const c = await administered('full');
    const results = await Promise.all(
      Array.from({ length: 11 }, (_, i) => stack.http('POST', '/v1/customer/users', userBody(`lic${i}`, { skus: ['BUS-STD'] }), bearer(c.token))),
    );
    expect(results.map((r) => r.status).sort()).toEqual([...Array(10).fill(201), 409]);
    expect(results.find((r) => r.status === 409)!.body.type).toBe('/problems/licenses-exhausted');
    expect(await stack.models.CustomerUser.countDocuments({ customerId: c.id, assignedSkus: 'BUS-STD' })).toBe(10);
    const down = await stack.http('POST', `/v1/customers/${c.id}/subscriptions/${c.subscriptionId}/licenses`, { licenses: 9 }, asPartner());
    expect(down.body.type).toBe('/problems/license-count-below-assigned');
    const noSku = await stack.http('POST', '/v1/customer/users', userBody('nosku', { skus: ['BUS-PREM'] }), bearer(c.token));
    expect(noSku.body.type).toBe('/problems/sku-not-subscribed');
  }, 120_000);

  it('a license decrease racing an assignment of the last license: one of the two wins, never more assigned than held', async () => {
    const c = await administered('full');
    const users = [];
    for (let i = 0; i < 9; i++) users.push((await stack.http('POST', '/v1/customer/users', userBody(`race${i}`, { skus: ['BUS-STD'] }), bearer(c.token))).body);
    const spare = (await stack.http('POST', '/v1/customer/users', userBody('spare'), bearer(c.token))).body;
    let held = 10;
    const outcomes = new Set<string>();
    for (let round = 0; round < 3; round++) {
      // held − 1 assigned: a decrease by one and one more assignment each fit alone, not together
      const [down, assign] = await Promise.all([
        stack.http('POST', `/v1/customer/subscriptions/${c.subscriptionId}/licenses`, { licenses: held - 1 }, bearer(c.token)),
        stack.http('PATCH', `/v1/customer/users/${spare.id}`, { skus: ['BUS-STD'] }, bearer(c.token)),
      ]);
      const wins = [down.status === 200, assign.status === 200];
      expect(wins.filter(Boolean)).toHaveLength(1);
      if (!wins[0]) expect(down.body.type).toBe('/problems/license-count-below-assigned');
      if (!wins[1]) expect(assign.body.type).toBe('/problems/licenses-exhausted');
      outcomes.add(wins[0] ? 'decrease' : 'assignment');
      const stored = (await stack.models.Subscription.findById(c.subscriptionId).lean())!;
      const assigned = await stack.models.CustomerUser.countDocuments({ customerId: c.id, assignedSkus: 'BUS-STD' });
      expect(assigned).toBeLessThanOrEqual(stored.licenses);
      held = stored.licenses;
      // back to held − 1 assigned, the spare without licenses
      await stack.http('PATCH', `/v1/customer/users/${spare.id}`, { skus: [] }, bearer(c.token));
      for (let n = assigned - (wins[1] ? 1 : 0); n > held - 1; n--) {
        await stack.http('PATCH', `/v1/customer/users/${users.pop()!.id}`, { skus: [] }, bearer(c.token));
      }
    }
  }, 120_000);

  it('limited: password resets of users who are not admins, and reading; nothing else', async () => {
    const c = await administered('limited');
    const plain = await stack.http('POST', '/v1/customer/users', userBody('plain'), bearer(c.token));
    const admin = await stack.http('POST', '/v1/customer/users', userBody('admin', { role: 'global-admin' }), bearer(c.token));
    // the relationship caps even a full-role partner user at limited
    expect((await stack.http('GET', `/v1/customers/${c.id}/users`, undefined, asPartner())).status).toBe(200);
    expect((await resetAsPartner(c.id, plain.body.id)).status).toBe(200);
    const refused = await resetAsPartner(c.id, admin.body.id);
    expect({ status: refused.status, type: refused.body.type }).toEqual({ status: 403, type: '/problems/delegated-admin-role-insufficient' });
    const create = await createAsPartner(c.id, userBody('x'));
    expect({ status: create.status, type: create.body.type }).toEqual({ status: 403, type: '/problems/delegated-admin-role-insufficient' });
    const licenses = await stack.http('POST', `/v1/customers/${c.id}/subscriptions/${c.subscriptionId}/licenses`, { licenses: 11 }, asPartner());
    expect(licenses.body.type).toBe('/problems/delegated-admin-role-insufficient');
    expect((await stack.models.CustomerUser.findById(admin.body.id).lean())!.mustChangePassword).toBe(false);
  }, 120_000);

  it('a limited partner user under a full relationship acts as limited; full resets an admin', async () => {
    const c = await administered('full');
    const limited = await addUser(stack, p, { customerRole: 'limited' });
    const admin = await stack.http('POST', '/v1/customer/users', userBody('ga', { role: 'global-admin' }), bearer(c.token));
    expect((await resetAsPartner(c.id, admin.body.id, limited.token)).body.type).toBe('/problems/delegated-admin-role-insufficient');
    expect((await createAsPartner(c.id, userBody('y'), limited.token)).body.type).toBe('/problems/role-required');
    expect((await resetAsPartner(c.id, admin.body.id)).status).toBe(200);
  }, 120_000);

  it('nothing before acceptance or after the end; withdrawing the authorised-service-provider authorisation stops it at once', async () => {
    const c = await administered('full', false);
    const user = await stack.http('POST', '/v1/customer/users', userBody('z'), bearer(c.token));
    expect((await resetAsPartner(c.id, user.body.id)).body.type).toBe('/problems/delegated-admin-required');
    expect((await stack.http('POST', `/v1/customer/delegated-admin/${c.relationshipId}/accept`, undefined, bearer(c.token))).status).toBe(200);
    expect((await resetAsPartner(c.id, user.body.id)).status).toBe(200);

    expect((await stack.http('DELETE', `/v1/operator/partners/${p.id}/authorisations/authorised-service-provider`, undefined, operator)).status).toBeLessThan(
      300,
    );
    try {
      const refused = await resetAsPartner(c.id, user.body.id);
      expect({ status: refused.status, type: refused.body.type }).toEqual({ status: 403, type: '/problems/authorisation-required' });
      expect((await stack.http('GET', `/v1/customers/${c.id}/users`, undefined, asPartner())).body.type).toBe('/problems/authorisation-required');
    } finally {
      await stack.http('PUT', `/v1/operator/partners/${p.id}/authorisations/authorised-service-provider`, undefined, operator);
    }
    expect((await stack.http('POST', `/v1/customer/delegated-admin/${c.relationshipId}/terminate`, undefined, bearer(c.token))).status).toBe(200);
    expect((await resetAsPartner(c.id, user.body.id)).body.type).toBe('/problems/delegated-admin-required');
    expect((await stack.http('GET', `/v1/customers/${c.id}/users`, undefined, asPartner())).body.type).toBe('/problems/delegated-admin-required');
  }, 120_000);

  it('the relationship ended while 20 partner requests are in flight: none of them lands after the end', async () => {
    const c = await administered('full');
    const inFlight = Array.from({ length: 20 }, (_, i) => createAsPartner(c.id, userBody(`race${i}`)));
    await new Promise((r) => setTimeout(r, 150));
    const ended = await stack.http('POST', `/v1/customer/delegated-admin/${c.relationshipId}/terminate`, undefined, bearer(c.token));
    expect(ended.status).toBe(200);
    const results = await Promise.all(inFlight);
    const endedAt = Date.parse(ended.body.endedAt);
    for (const r of results) {
      expect([201, 403]).toContain(r.status);
      if (r.status === 403) expect(r.body.type).toBe('/problems/delegated-admin-required');
    }
    const landed = await stack.models.CustomerUser.find({ customerId: c.id }).lean();
    expect(landed).toHaveLength(results.filter((r) => r.status === 201).length);
    const entries = await stack.models.AuditEvent.find({ customerId: c.id, action: 'customer-user.created' }).lean();
    expect(entries).toHaveLength(landed.length);
    for (const u of landed) expect(u.createdAt.getTime()).toBeLessThanOrEqual(endedAt);
    for (const e of entries) expect(e.at.getTime()).toBeLessThanOrEqual(endedAt);
  }, 120_000);

  it('withdrawing subscription advisor stops sent offers from being accepted; withdrawing delegated-admin certified stops pending requests', async () => {
    const c = await trialCustomer(stack, p);
    const offer = await sendOffer(stack, p, [c.id], [{ sku: 'BUS-STD', licenses: 5 }]);
    const withdraw = (a: string) => stack.http('DELETE', `/v1/operator/partners/${p.id}/authorisations/${a}`, undefined, operator);
    const grant = (a: string) => stack.http('PUT', `/v1/operator/partners/${p.id}/authorisations/${a}`, undefined, operator);
    await withdraw('subscription-advisor');
    try {
      const refused = await acceptOffer(stack, offer.code, c.token);
      expect({ status: refused.status, type: refused.body.type }).toEqual({ status: 409, type: '/problems/partner-not-authorised' });
    } finally {
      await grant('subscription-advisor');
    }
    expect((await acceptOffer(stack, offer.code, c.token)).status).toBe(201); // the offer stayed open
    await eventually(async () => (await stack.models.Subscription.findById(c.subscriptionId).lean())?.status === 'active', 20_000, 'the subscription');

    const asked = await stack.http('POST', `/v1/customers/${c.id}/delegated-admin`, {}, bearer(p.admin.token));
    await withdraw('delegated-admin-certified');
    try {
      const refused = await stack.http('POST', `/v1/customer/delegated-admin/${asked.body.id}/accept`, undefined, bearer(c.token));
      expect({ status: refused.status, type: refused.body.type }).toEqual({ status: 409, type: '/problems/partner-not-authorised' });
      expect((await stack.models.Relationship.findById(asked.body.id).lean())!.status).toBe('approval-pending');
    } finally {
      await grant('delegated-admin-certified');
    }
  }, 120_000);
  it('the customer list finds the customer by its relationship’s state and its open service requests, as they change', async () => {
    const c = await administered('full', false);
    const ids = async (query: string) =>
      (await stack.http('GET', `/v1/customers?${query}`, undefined, asPartner())).body.items.map((x: { id: string }) => x.id) as string[];
    await eventually(async () => (await ids('delegatedAdmin=pending')).includes(c.id), 20_000, 'listed as pending');
    expect((await stack.http('POST', `/v1/customer/delegated-admin/${c.relationshipId}/accept`, undefined, bearer(c.token))).status).toBe(200);
    await eventually(async () => (await ids('delegatedAdmin=active')).includes(c.id), 20_000, 'listed as active');
    expect(await ids('delegatedAdmin=pending')).not.toContain(c.id);

    const opened = await stack.http(
      'POST',
      `/v1/customers/${c.id}/service-requests`,
      { title: 'Mailbox full', description: 'The CEO’s mailbox is full.', severity: 'critical' },
      asPartner(),
    );
    expect(opened.status).toBe(201);
    await eventually(async () => (await ids('openRequests=critical')).includes(c.id), 20_000, 'listed with a critical request');
    expect((await stack.http('POST', `/v1/service-requests/${opened.body.id}/status`, { status: 'closed' }, asPartner())).status).toBe(200);
    await eventually(async () => !(await ids('openRequests=any')).includes(c.id), 20_000, 'no longer listed with open requests');
    const summary = await stack.http('GET', `/v1/customers/${c.id}/summary`, undefined, asPartner());
    expect(summary.body).toMatchObject({ openRequests: { critical: 0, moderate: 0, minimal: 0 } });

    expect((await stack.http('POST', `/v1/customer/delegated-admin/${c.relationshipId}/terminate`, undefined, bearer(c.token))).status).toBe(200);
    await eventually(async () => (await ids('delegatedAdmin=none')).includes(c.id), 20_000, 'listed without delegated administration');
  }, 120_000);
});
