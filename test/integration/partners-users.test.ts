import { addUser, bearer, createPartner, operator, partnerBody, type TestPartner } from '../support/partners';
import { startTestStack, type TestStack } from '../support/stack';

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(async () => {
  await stack?.stop();
});

const as = (token: string) => bearer(token);

describe('operator bootstrap', () => {
  it('creates a partner with its profile, cloud, authorisations and first global admin, whose token works once shown', async () => {
    const body = partnerBody({ cloud: 'sovereign', authorisations: ['subscription-advisor'] });
    const res = await stack.http('POST', '/v1/operator/partners', body, operator);
    expect(res.status).toBe(201);
    expect(res.headers.get('location')).toBe(`/v1/operator/partners/${res.body.partner.id}`);
    expect(res.body.partner).toMatchObject({ cloud: 'sovereign', authorisations: ['subscription-advisor'], profile: body.profile });
    expect(res.body.admin.user).toMatchObject({ email: body.admin.email, companyRole: 'global-admin', customerRole: 'full', active: true });
    const token: string = res.body.admin.token.token;
    expect(token).toBe(`ofp.${res.body.partner.id}.${res.body.admin.user.id}.${res.body.admin.token.id}.${token.split('.')[4]}`);
    expect(token.split('.')[4]).toMatch(/^[A-Za-z0-9_-]{43}$/);

    // stored hashed: the secret is nowhere in the database
    const stored = await stack.models.ApiToken.findById(res.body.admin.token.id).lean();
    expect(stored!.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(stored)).not.toContain(token.split('.')[4]);

    const me = await stack.http('GET', '/v1/me', undefined, as(token));
    expect(me.status).toBe(200);
    expect(me.body.user.id).toBe(res.body.admin.user.id);
    expect(me.body.partner.id).toBe(res.body.partner.id);
    expect(me.body.permissions).toEqual(expect.arrayContaining(['profile:edit', 'users:manage', 'audit:read', 'invitations:send']));

    // the token list never shows secrets
    const list = await stack.http('GET', `/v1/users/${me.body.user.id}/tokens`, undefined, as(token));
    expect(list.text).not.toContain(token.split('.')[4]);
  });

  it('refuses operator routes without the operator token, and a partner token there', async () => {
    const p = await createPartner(stack);
    for (const headers of [{}, bearer('ofo.wrong-operator-token-000000000000000000'), as(p.admin.token)]) {
      const res = await stack.http('GET', '/v1/operator/partners', undefined, headers);
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toBe('Bearer realm="offerflow"');
    }
  });

  it('grants and withdraws authorisations (idempotently), and features follow at once', async () => {
    const p = await createPartner(stack, { authorisations: [] });
    const refused = await stack.http('POST', '/v1/invitations', { sku: 'BUS-STD' }, as(p.admin.token));
    expect(refused.status).toBe(403);
    expect(refused.body).toMatchObject({ type: '/problems/authorisation-required' });
    expect(refused.body.detail).toMatch(/authorised as subscription advisor/);

    for (let i = 0; i < 2; i++) {
      const granted = await stack.http('PUT', `/v1/operator/partners/${p.id}/authorisations/subscription-advisor`, undefined, operator);
      expect(granted.status).toBe(200);
      expect(granted.body.authorisations).toEqual(['subscription-advisor']);
    }
    expect((await stack.http('POST', '/v1/invitations', { sku: 'BUS-STD' }, as(p.admin.token))).status).toBe(201);

    const withdrawn = await stack.http('DELETE', `/v1/operator/partners/${p.id}/authorisations/subscription-advisor`, undefined, operator);
    expect(withdrawn.body.authorisations).toEqual([]);
    expect((await stack.http('POST', '/v1/invitations', { sku: 'BUS-STD' }, as(p.admin.token))).status).toBe(403);

    const audit = await stack.http('GET', '/v1/audit-events', undefined, as(p.admin.token));
    expect(audit.body.items.map((e: { action: string }) => e.action)).toEqual(
      expect.arrayContaining(['partner.authorisation-granted', 'partner.authorisation-withdrawn', 'partner.created']),
    );
    // granted twice, recorded once
    expect(audit.body.items.filter((e: { action: string }) => e.action === 'partner.authorisation-granted')).toHaveLength(1);
  });
});

describe('company profile', () => {
  let p: TestPartner;
  beforeAll(async () => {
    p = await createPartner(stack);
  });

  it('global admins edit it; everyone of the partner reads it; others may not edit', async () => {
    const billing = await addUser(stack, p, { companyRole: 'billing-admin', customerRole: 'full' });
    const edit = await stack.http('PATCH', '/v1/partner/profile', { phone: '+44 20 7946 0000', website: 'https://new.example' }, as(p.admin.token));
    expect(edit.status).toBe(200);
    expect(edit.body.profile).toMatchObject({ phone: '+44 20 7946 0000', website: 'https://new.example' });
    expect((await stack.http('GET', '/v1/partner', undefined, as(billing.token))).body.profile.phone).toBe('+44 20 7946 0000');

    const refused = await stack.http('PATCH', '/v1/partner/profile', { phone: '+1 425 555 0199' }, as(billing.token));
    expect(refused.status).toBe(403);
    expect(refused.body).toMatchObject({ type: '/problems/role-required', detail: 'this needs the company role global-admin; yours is billing-admin' });
    expect((await stack.models.Partner.findById(p.id).lean())!.profile.phone).toBe('+44 20 7946 0000');
  });
});

describe('users, roles and tokens', () => {
  let p: TestPartner;
  beforeAll(async () => {
    p = await createPartner(stack);
  });

  it('admins create users with both role axes; e-mail is unique within the partner, case-insensitively', async () => {
    // (a customer role of its own to pass on: nobody grants a role above their own, test/integration/role-grants.test.ts)
    const um = await addUser(stack, p, { companyRole: 'user-management-admin', customerRole: 'limited' });
    const created = await stack.http(
      'POST',
      '/v1/users',
      { email: 'Ana@Contoso.example', displayName: 'Ana', companyRole: 'password-admin', customerRole: 'limited' },
      as(um.token),
    );
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ email: 'Ana@Contoso.example', companyRole: 'password-admin', customerRole: 'limited', active: true });
    const dup = await stack.http('POST', '/v1/users', { email: 'ana@contoso.EXAMPLE', displayName: 'Ana 2' }, as(p.admin.token));
    expect(dup.status).toBe(409);
    expect(dup.body.type).toBe('/problems/email-taken');
    // another partner may use the same e-mail
    const other = await createPartner(stack);
    expect((await stack.http('POST', '/v1/users', { email: 'ana@contoso.example', displayName: 'Ana' }, as(other.admin.token))).status).toBe(201);

    const plain = await addUser(stack, p, { companyRole: 'service-admin', customerRole: 'full' });
    const refused = await stack.http('POST', '/v1/users', { email: 'x@contoso.example', displayName: 'X' }, as(plain.token));
    expect(refused.status).toBe(403);
    expect(refused.body.type).toBe('/problems/role-required');
  });

  it('lists users oldest first, page by page, active or not', async () => {
    const q = await createPartner(stack);
    const made = [q.admin.id];
    for (let i = 0; i < 3; i++) made.push((await addUser(stack, q)).id);
    await stack.http('POST', `/v1/users/${made[2]}/deactivate`, undefined, as(q.admin.token));
    const ids = async (qs: string) => {
      const out: string[] = [];
      let cursor = '';
      do {
        const res = await stack.http('GET', `/v1/users?limit=2${qs}${cursor ? `&cursor=${cursor}` : ''}`, undefined, as(q.admin.token));
        out.push(...res.body.items.map((u: { id: string }) => u.id));
        cursor = res.body.nextCursor ?? '';
      } while (cursor);
      return out;
    };
    expect(await ids('')).toEqual(made);
    expect(await ids('&active=false')).toEqual([made[2]]);
    expect(await ids('&active=true')).toEqual(made.filter((_, i) => i !== 2));
  });

  it('the last active global admin can be neither demoted nor deactivated', async () => {
    const demote = await stack.http('PATCH', `/v1/users/${p.admin.id}`, { companyRole: 'billing-admin' }, as(p.admin.token));
    expect(demote.status).toBe(409);
    expect(demote.body.type).toBe('/problems/last-global-admin');
    const deactivate = await stack.http('POST', `/v1/users/${p.admin.id}/deactivate`, undefined, as(p.admin.token));
    expect(deactivate.status).toBe(409);

    const second = await addUser(stack, p, { companyRole: 'global-admin' });
    expect((await stack.http('PATCH', `/v1/users/${p.admin.id}`, { companyRole: 'billing-admin' }, as(second.token))).status).toBe(200);
    const last = await stack.http('POST', `/v1/users/${second.id}/deactivate`, undefined, as(second.token));
    expect(last.status).toBe(409);
    // restore for the other tests
    expect((await stack.http('PATCH', `/v1/users/${p.admin.id}`, { companyRole: 'global-admin' }, as(second.token))).status).toBe(200);
  });

  it('two global admins demoting each other at once: exactly one succeeds', async () => {
    const q = await createPartner(stack);
    const other = await addUser(stack, q, { companyRole: 'global-admin' });
    for (let round = 0; round < 3; round++) {
      const [x, y] = await Promise.all([
        stack.http('PATCH', `/v1/users/${other.id}`, { companyRole: 'none' }, as(q.admin.token)),
        stack.http('PATCH', `/v1/users/${q.admin.id}`, { companyRole: 'none' }, as(other.token)),
      ]);
      expect([x.status, y.status].sort()).toEqual([200, 409]);
      const admins = await stack.models.User.countDocuments({ partnerId: q.id, companyRole: 'global-admin', active: true });
      expect(admins).toBe(1);
      // put the demoted one back
      const survivor = x.status === 200 ? q.admin : other;
      const demoted = x.status === 200 ? other : q.admin;
      expect((await stack.http('PATCH', `/v1/users/${demoted.id}`, { companyRole: 'global-admin' }, as(survivor.token))).status).toBe(200);
    }
  });

  it('deactivating a user revokes its tokens; a revoked token is a 401', async () => {
    const u = await addUser(stack, p, { customerRole: 'full' });
    expect((await stack.http('GET', '/v1/me', undefined, as(u.token))).status).toBe(200);
    const off = await stack.http('POST', `/v1/users/${u.id}/deactivate`, undefined, as(p.admin.token));
    expect(off.status).toBe(200);
    expect(off.body).toMatchObject({ active: false });
    expect(off.body.deactivatedAt).toBeDefined();
    const after = await stack.http('GET', '/v1/me', undefined, as(u.token));
    expect(after.status).toBe(401);
    expect(after.body).toMatchObject({ type: '/problems/unauthenticated', detail: 'the token is invalid, expired or revoked' });
    const tokens = await stack.models.ApiToken.find({ userId: u.id }).lean();
    expect(tokens.every((t) => t.revokedAt)).toBe(true);
  });

  it('users issue and revoke their own tokens; admins anyone’s; others not', async () => {
    const u = await addUser(stack, p, { customerRole: 'limited' });
    const own = await stack.http('POST', `/v1/users/${u.id}/tokens`, { label: 'laptop', expiresInDays: 30 }, as(u.token));
    expect(own.status).toBe(201);
    expect(own.body).toMatchObject({ label: 'laptop', userId: u.id });
    expect(Date.parse(own.body.expiresAt) - Date.parse(own.body.createdAt)).toBe(30 * 86_400_000);

    const v = await addUser(stack, p, { customerRole: 'limited' });
    const foreignIssue = await stack.http('POST', `/v1/users/${u.id}/tokens`, {}, as(v.token));
    expect(foreignIssue.status).toBe(403);
    const foreignRevoke = await stack.http('DELETE', `/v1/users/${u.id}/tokens/${own.body.id}`, undefined, as(v.token));
    expect(foreignRevoke.status).toBe(403);

    const revoked = await stack.http('DELETE', `/v1/users/${u.id}/tokens/${own.body.id}`, undefined, as(u.token));
    expect(revoked.status).toBe(204);
    expect((await stack.http('GET', '/v1/me', undefined, as(own.body.token))).status).toBe(401);
    // the first token still works
    expect((await stack.http('GET', '/v1/me', undefined, as(u.token))).status).toBe(200);
    // revoking again is fine
    expect((await stack.http('DELETE', `/v1/users/${u.id}/tokens/${own.body.id}`, undefined, as(p.admin.token))).status).toBe(204);
  });

  it('every change lands in the audit log with who, what, on whom and the request id; only global admins read it', async () => {
    const q = await createPartner(stack);
    const created = await stack.http(
      'POST',
      '/v1/users',
      { email: `audit-${Date.now()}@contoso.example`, displayName: 'Audited', companyRole: 'none', customerRole: 'limited' },
      { ...as(q.admin.token), 'x-request-id': 'req-audit-1' },
    );
    await stack.http('PATCH', `/v1/users/${created.body.id}`, { customerRole: 'full' }, { ...as(q.admin.token), 'x-request-id': 'req-audit-2' });
    const log = await stack.http('GET', '/v1/audit-events?limit=10', undefined, as(q.admin.token));
    expect(log.status).toBe(200);
    const [updated, made] = log.body.items;
    expect(updated).toMatchObject({
      action: 'user.updated',
      actor: { kind: 'partner-user', id: q.admin.id },
      target: { kind: 'user', id: created.body.id },
      requestId: 'req-audit-2',
      details: { customerRole: { from: 'limited', to: 'full' } },
    });
    expect(made).toMatchObject({ action: 'user.created', requestId: 'req-audit-1' });
    expect(Date.parse(updated.at)).toBeGreaterThanOrEqual(Date.parse(made.at));

    const reader = await addUser(stack, q, { companyRole: 'user-management-admin', customerRole: 'full' });
    expect((await stack.http('GET', '/v1/audit-events', undefined, as(reader.token))).status).toBe(403);
    // another partner's admin sees none of it
    const other = await stack.http('GET', '/v1/audit-events', undefined, as(p.admin.token));
    expect(other.body.items.some((e: { target: { id: string } }) => e.target.id === created.body.id)).toBe(false);
  });

  it("another partner's users and tokens are 404, never 403", async () => {
    const other = await createPartner(stack);
    for (const [method, path, body] of [
      ['GET', `/v1/users/${other.admin.id}`],
      ['PATCH', `/v1/users/${other.admin.id}`, { displayName: 'Hijacked' }],
      ['POST', `/v1/users/${other.admin.id}/deactivate`],
      ['POST', `/v1/users/${other.admin.id}/tokens`, {}],
      ['GET', `/v1/users/${other.admin.id}/tokens`],
    ] as const) {
      const res = await stack.http(method, path, body, as(p.admin.token));
      expect({ method, path, status: res.status }).toEqual({ method, path, status: 404 });
    }
    expect((await stack.models.User.findById(other.admin.id).lean())!.displayName).toBe('First Admin');
  });
});
