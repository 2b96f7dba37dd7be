import { addUser, bearer, createPartner, type TestPartner } from '../support/partners';
import { startTestStack, type HttpResult, type TestStack } from '../support/stack';

/** Nobody grants a role above their own; only a global admin grants global admin. */
let stack: TestStack;
let p: TestPartner;
/** A user-management admin without a customer role. */
let uma: { id: string; token: string };
let plain: { id: string; token: string };
beforeAll(async () => {
  stack = await startTestStack();
  p = await createPartner(stack);
  uma = await addUser(stack, p, { companyRole: 'user-management-admin' });
  plain = await addUser(stack, p);
});
afterAll(async () => {
  await stack?.stop();
});

const expectAboveOwn = (res: HttpResult) => {
  expect({ status: res.status, type: res.body?.type }).toEqual({ status: 403, type: '/problems/role-above-own' });
};

const rolesOf = async (userId: string) => {
  const u = await stack.models.User.findById(userId).lean();
  return { companyRole: u!.companyRole, customerRole: u!.customerRole };
};

describe('granting roles', () => {
  it('a user-management admin cannot make itself global admin, nor give itself a customer role', async () => {
    expectAboveOwn(await stack.http('PATCH', `/v1/users/${uma.id}`, { companyRole: 'global-admin' }, bearer(uma.token)));
    expectAboveOwn(await stack.http('PATCH', `/v1/users/${uma.id}`, { customerRole: 'full' }, bearer(uma.token)));
    expectAboveOwn(await stack.http('PATCH', `/v1/users/${uma.id}`, { customerRole: 'limited' }, bearer(uma.token)));
    expect(await rolesOf(uma.id)).toEqual({ companyRole: 'user-management-admin', customerRole: 'none' });
  });

  it('nor make anyone else global admin or give a customer role above its own, by a change or at creation', async () => {
    expectAboveOwn(await stack.http('PATCH', `/v1/users/${plain.id}`, { companyRole: 'global-admin' }, bearer(uma.token)));
    expectAboveOwn(await stack.http('PATCH', `/v1/users/${plain.id}`, { customerRole: 'full' }, bearer(uma.token)));
    expect(await rolesOf(plain.id)).toEqual({ companyRole: 'none', customerRole: 'none' });

    const before = await stack.models.User.countDocuments({ partnerId: p.id });
    for (const roles of [{ companyRole: 'global-admin' }, { customerRole: 'full' }, { companyRole: 'global-admin', customerRole: 'full' }]) {
      expectAboveOwn(
        await stack.http(
          'POST',
          '/v1/users',
          { email: `escalate-${Object.values(roles).join('-')}@contoso.example`, displayName: 'Sock', ...roles },
          bearer(uma.token),
        ),
      );
    }
    expect(await stack.models.User.countDocuments({ partnerId: p.id })).toBe(before);
  });

  it('nor act as a user above its own roles: no token for it, no change, no deactivation', async () => {
    const tokensBefore = await stack.models.ApiToken.countDocuments({ userId: p.admin.id });
    expectAboveOwn(await stack.http('POST', `/v1/users/${p.admin.id}/tokens`, {}, bearer(uma.token)));
    expect(await stack.models.ApiToken.countDocuments({ userId: p.admin.id })).toBe(tokensBefore);
    expectAboveOwn(await stack.http('PATCH', `/v1/users/${p.admin.id}`, { companyRole: 'none' }, bearer(uma.token)));
    expectAboveOwn(await stack.http('POST', `/v1/users/${p.admin.id}/deactivate`, undefined, bearer(uma.token)));
    expect(await rolesOf(p.admin.id)).toEqual({ companyRole: 'global-admin', customerRole: 'full' });
  });

  it('grants what is within its own roles', async () => {
    const created = await stack.http(
      'POST',
      '/v1/users',
      { email: 'billing@contoso.example', displayName: 'Bill', companyRole: 'billing-admin' },
      bearer(uma.token),
    );
    expect(created.status).toBe(201);
    const peer = await stack.http('PATCH', `/v1/users/${created.body.id}`, { companyRole: 'user-management-admin' }, bearer(uma.token));
    expect(peer.status).toBe(200);
    expect((await stack.http('POST', `/v1/users/${created.body.id}/tokens`, {}, bearer(uma.token))).status).toBe(201);

    // with a customer role of its own, it passes that on
    const limitedUma = await addUser(stack, p, { companyRole: 'user-management-admin', customerRole: 'limited' });
    expect((await stack.http('PATCH', `/v1/users/${plain.id}`, { customerRole: 'limited' }, bearer(limitedUma.token))).status).toBe(200);
    expectAboveOwn(await stack.http('PATCH', `/v1/users/${plain.id}`, { customerRole: 'full' }, bearer(limitedUma.token)));
  });

  it('a global admin still grants any role, global admin included', async () => {
    const promoted = await stack.http('PATCH', `/v1/users/${uma.id}`, { companyRole: 'global-admin', customerRole: 'full' }, bearer(p.admin.token));
    expect(promoted.status).toBe(200);
    expect(promoted.body).toMatchObject({ companyRole: 'global-admin', customerRole: 'full' });
    const created = await stack.http(
      'POST',
      '/v1/users',
      { email: 'second-admin@contoso.example', displayName: 'Second', companyRole: 'global-admin', customerRole: 'full' },
      bearer(p.admin.token),
    );
    expect(created.status).toBe(201);
    expect((await stack.http('POST', `/v1/users/${created.body.id}/tokens`, {}, bearer(p.admin.token))).status).toBe(201);
  });
});
