import { allRoutes } from '../../src/api/routes';
import type { Services } from '../../src/services';
import type { AnyRoute } from '../../src/api/route';
import { bearer, operator } from '../support/partners';
import { startTestStack, type TestStack } from '../support/stack';
import { newCustomer } from '../support/flows';
import { buildWorld, requestFor, type World } from '../support/world';

/**
 * Every route × every role combination × a foreign partner × a partner without
 * authorisations × the other cloud × the operator × nobody. The expectations
 * are restated here from the spec, independently of src/auth/policy.ts.
 */
const routes = allRoutes({} as Services);
const ADMINS = ['global-admin', 'user-management-admin'];
const SENDERS = ['full', 'limited'];

function allowedFor(route: AnyRoute, m: { companyRole: string; customerRole: string }): boolean {
  switch (route.operationId) {
    case 'updateProfile':
    case 'listAuditEvents':
    case 'createWebhookEndpoint':
    case 'listWebhookEndpoints':
    case 'getWebhookEndpoint':
    case 'updateWebhookEndpoint':
    case 'deleteWebhookEndpoint':
    case 'listWebhookDeliveries':
    case 'replayWebhookEvent':
      return m.companyRole === 'global-admin';
    case 'acceptPartnerOfRecordRequest':
    case 'declinePartnerOfRecordRequest':
      return ['global-admin', 'billing-admin'].includes(m.companyRole);
    case 'listUsers':
    case 'createUser':
    case 'getUser': // another user than oneself
    case 'updateUser':
    case 'deactivateUser':
    case 'issueToken':
    case 'listTokens':
    case 'revokeToken':
      return ADMINS.includes(m.companyRole);
    case 'createInvitation':
    case 'revokeInvitation':
    case 'inviteRecipients':
    case 'createOffer':
    case 'revokeOffer':
    case 'registerProductKeys':
    case 'redeemProductKey':
    case 'requestDelegatedAdmin':
      return SENDERS.includes(m.customerRole);
    case 'listCustomerUsersAsPartner':
    case 'getCustomerUserAsPartner':
    case 'resetCustomerUserPasswordAsPartner':
      return SENDERS.includes(m.customerRole);
    case 'changeLicensesAsPartner':
    case 'setRenewalAsPartner':
    case 'createCustomerUserAsPartner':
    case 'updateCustomerUserAsPartner':
    case 'removeCustomerUserAsPartner':
    case 'openServiceRequest':
    case 'addServiceRequestNote':
    case 'setServiceRequestStatus':
      return m.customerRole === 'full';
    default:
      return true;
  }
}

let stack: TestStack;
let w: World;
beforeAll(async () => {
  stack = await startTestStack();
  w = await buildWorld(stack);
}, 120_000);
afterAll(async () => {
  await stack?.stop();
});

const call = (route: AnyRoute, headers: Record<string, string>) => {
  const r = requestFor(route, w);
  return stack.http(r.method, r.query ? `${r.path}?${r.query}` : r.path, r.body, headers);
};

const partnerRoutes = routes.filter((r) => r.auth === 'partner');
const operatorRoutes = routes.filter((r) => r.auth === 'operator');

describe('authorization matrix', () => {
  it('covers every route', () => {
    expect(routes.length).toBeGreaterThanOrEqual(33);
    expect(
      routes
        .filter((r) => !['partner', 'operator', 'customer'].includes(r.auth))
        .map((r) => r.operationId)
        .sort(),
    ).toEqual(['acceptLink', 'changeCustomerUserPassword', 'declineLink', 'signInCustomerUser', 'viewLink']);
    expect(routes.filter((r) => r.auth === 'customer').length).toBeGreaterThanOrEqual(6);
  });

  const guarded = routes.filter((r) => !['public', 'customer-or-public'].includes(r.auth));
  it.each(guarded.map((r) => [`${r.method.toUpperCase()} ${r.path}`, r] as const))('%s: nobody is a 401', async (_name, route) => {
    const res = await call(route, {});
    expect(res.status).toBe(401);
  });

  it.each(routes.filter((r) => r.auth === 'customer').map((r) => [`${r.method.toUpperCase()} ${r.path}`, r] as const))(
    '%s: only customers, each seeing its own',
    async (_name, route) => {
      expect((await call(route, bearer(w.a.admin.token))).status).toBe(401);
      expect((await call(route, operator)).status).toBe(401);
      const res = await call(route, bearer(w.customer.token));
      expect({ status: res.status < 300 || res.status === 409, type: res.body?.type }).toEqual({
        status: true,
        type: res.status === 409 ? res.body.type : undefined,
      });
      if (route.method === 'get' && route.operationId !== 'previewLicenseChange') expect(res.text).toContain(w.customer.id);
      // another customer gets none of it
      if (route.params) {
        const other = await stack.http('POST', `/v1/links/${w.linkCode}/accept`, { customer: newCustomer() });
        expect((await call(route, bearer(other.body.token))).status).toBe(404);
      }
    },
  );

  it('links need no token; a partner token does not stand for a customer', async () => {
    expect((await stack.http('GET', `/v1/links/${w.linkCode}`)).status).toBe(200);
    const asPartner = await stack.http('POST', `/v1/links/${w.linkCode}/accept`, {}, bearer(w.a.admin.token));
    expect(asPartner.status).toBe(401);
    expect((await stack.http('POST', `/v1/links/${w.offerCode}/decline`, undefined, bearer(w.a.admin.token))).status).toBe(401);
    // an offer is declined by the customer it was sent to, with its token
    expect((await stack.http('POST', `/v1/links/${w.offerCode}/decline`)).status).toBe(401);
    const stranger = await stack.http('POST', `/v1/links/${w.linkCode}/accept`, { customer: newCustomer() });
    expect((await stack.http('POST', `/v1/links/${w.offerCode}/decline`, undefined, bearer(stranger.body.token))).status).toBe(404);
  });

  it.each(operatorRoutes.map((r) => [`${r.method.toUpperCase()} ${r.path}`, r] as const))('%s: only the operator', async (_name, route) => {
    expect((await call(route, bearer(w.a.admin.token))).status).toBe(401);
    expect((await call(route, operator)).status).toBeLessThan(300);
  });

  it.each(partnerRoutes.map((r) => [`${r.method.toUpperCase()} ${r.path}`, r] as const))(
    '%s: each role combination gets what the spec says',
    async (_name, route) => {
      expect((await call(route, operator)).status).toBe(401);
      const outcomes: string[] = [];
      const expected: string[] = [];
      for (const m of w.members) {
        const res = await call(route, bearer(m.token));
        const allowed = allowedFor(route, m);
        const label = `${m.companyRole}/${m.customerRole}`;
        // a 403 for the state of things (no active delegated administration) is not a role refusal
        const refused = res.status === 403 && ['/problems/role-required', '/problems/authorisation-required'].includes(res.body.type);
        const through = res.status < 400 || [404, 409].includes(res.status) || (res.status === 403 && !refused);
        outcomes.push(`${label}: ${refused ? `403 ${res.body.type}` : through ? 'through' : `unexpected ${res.status} ${res.body?.type}`}`);
        expected.push(`${label}: ${allowed ? 'through' : '403 /problems/role-required'}`);
      }
      expect(outcomes).toEqual(expected);
    },
  );

  it.each(partnerRoutes.filter((r) => r.params).map((r) => [`${r.method.toUpperCase()} ${r.path}`, r] as const))(
    "%s: another partner's object is a 404, never a 403",
    async (_name, route) => {
      if (route.operationId === 'getCatalogService') return; // the catalog is shared by a cloud
      const res = await call(route, bearer(w.d.admin.token));
      expect({ status: res.status, type: res.body?.type }).toEqual({ status: 404, type: '/problems/not-found' });
    },
  );

  it('a partner without an authorisation gets 403 with the reason, for every feature behind it', async () => {
    for (const route of partnerRoutes.filter((r) => ['createInvitation', 'revokeInvitation'].includes(r.operationId))) {
      const res = await call(route, bearer(w.b.admin.token));
      expect({ route: route.operationId, status: res.status, type: res.body.type }).toEqual({
        route: route.operationId,
        status: 403,
        type: '/problems/authorisation-required',
      });
      expect(res.body.detail).toMatch(/authorised as subscription advisor/);
    }
  });

  it('acting in customers needs the authorised-service-provider authorisation: 403 with the reason on every such route', async () => {
    const acting = partnerRoutes.filter((r) => ['customers:administer', 'customers:reset-passwords', 'customers:read-tenant'].includes(r.permission!));
    expect(acting.length).toBeGreaterThanOrEqual(7);
    for (const route of acting) {
      const res = await call(route, bearer(w.b.admin.token));
      expect({ route: route.operationId, status: res.status, type: res.body.type }).toEqual({
        route: route.operationId,
        status: 403,
        type: '/problems/authorisation-required',
      });
      expect(res.body.detail).toMatch(/authorised as authorised service provider/);
    }
  });

  it('the other cloud sees its own catalog only, and none of the objects', async () => {
    const sovereign = await stack.http('GET', '/v1/catalog', undefined, bearer(w.c.admin.token));
    const global = await stack.http('GET', '/v1/catalog', undefined, bearer(w.a.admin.token));
    const skus = (r: typeof global) => r.body.map((s: { sku: string }) => s.sku);
    expect(skus(sovereign)).toContain('SEC-DEFEND');
    expect(skus(sovereign)).not.toContain('BUS-PREM');
    expect(skus(global)).toContain('BUS-PREM');
    expect(skus(global)).not.toContain('SEC-DEFEND');
    expect(sovereign.body.find((s: { sku: string }) => s.sku === 'BUS-STD').price.currency).toBe('CNY');
    expect((await stack.http('GET', '/v1/catalog/BUS-PREM', undefined, bearer(w.c.admin.token))).status).toBe(404);
    for (const route of partnerRoutes.filter((r) => r.params && r.operationId !== 'getCatalogService')) {
      expect({ route: route.operationId, status: (await call(route, bearer(w.c.admin.token))).status }).toEqual({ route: route.operationId, status: 404 });
    }
  });

  it('lists never show another partner’s objects', async () => {
    for (const path of ['/v1/users', '/v1/invitations', '/v1/customers', '/v1/audit-events', '/v1/outbox']) {
      const res = await stack.http('GET', path, undefined, bearer(w.d.admin.token));
      expect(res.status).toBe(200);
      for (const id of [w.victim.id, w.invitationId, w.customerId, w.a.admin.id, w.customer.id]) expect(res.text).not.toContain(id);
    }
  });

  it('a user reads and manages its own tokens whatever its roles', async () => {
    const plain = w.members.find((m) => m.companyRole === 'none' && m.customerRole === 'none')!;
    expect((await stack.http('GET', `/v1/users/${plain.id}`, undefined, bearer(plain.token))).status).toBe(200);
    expect((await stack.http('GET', `/v1/users/${plain.id}/tokens`, undefined, bearer(plain.token))).status).toBe(200);
    const issued = await stack.http('POST', `/v1/users/${plain.id}/tokens`, {}, bearer(plain.token));
    expect(issued.status).toBe(201);
    expect((await stack.http('DELETE', `/v1/users/${plain.id}/tokens/${issued.body.id}`, undefined, bearer(plain.token))).status).toBe(204);
  });
});
