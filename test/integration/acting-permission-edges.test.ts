import { allRoutes } from '../../src/api/routes';
import type { AnyRoute } from '../../src/api/route';
import type { Services } from '../../src/services';
import { bearer, type TestPartner } from '../support/partners';
import { eventually, type TestStack } from '../support/stack';
import { trialCustomer } from '../support/flows';
import { useStackWithPartner } from '../support/use-stack';

let stack: TestStack;
let p: TestPartner;
useStackWithPartner((s, partner) => {
  stack = s;
  p = partner;
});

/**
 * Every route a partner acts in a customer through (generated from the route list by its
 * permission), in a customer whose relationship with the partner is in each state: only an
 * active or expiring one lets anything through; every other state is 403
 * delegated-admin-required, whatever the route.
 */
const ACTING = ['customers:administer', 'customers:reset-passwords', 'customers:read-tenant', 'service-requests:manage'];
const actingRoutes = allRoutes({} as Services).filter((r) => r.auth === 'partner' && ACTING.includes(r.permission ?? ''));
const STATES = ['none', 'approval-pending', 'active', 'expiring', 'expired', 'lapsed', 'declined', 'terminated'] as const;
type State = (typeof STATES)[number];

interface Subject {
  state: State;
  customerId: string;
  token: string;
  subscriptionId: string;
  userId: string;
  serviceRequestId: string;
}

const OPTION: Record<State, Record<string, unknown>> = {
  none: {},
  'approval-pending': {},
  active: {},
  expiring: { durationSeconds: 3600, noticeSeconds: 3599 },
  expired: { durationSeconds: 2, noticeSeconds: 1 },
  lapsed: { approvalTimeoutSeconds: 1 },
  declined: {},
  terminated: {},
};

async function subjectIn(state: State): Promise<Subject> {
  const c = await trialCustomer(stack, p);
  const user = await stack.http('POST', '/v1/customer/users', { email: `u-${state}@tenant.example`, displayName: state }, bearer(c.token));
  const request = await stack.http(
    'POST',
    '/v1/customer/service-requests',
    { partnerId: p.id, title: `In ${state}`, description: 'A request to act on.', severity: 'minimal' },
    bearer(c.token),
  );
  if (state !== 'none') {
    const asked = await stack.http('POST', `/v1/customers/${c.id}/delegated-admin`, OPTION[state], bearer(p.admin.token));
    const answer = { active: 'accept', expiring: 'accept', expired: 'accept', terminated: 'accept', declined: 'decline' }[state as string];
    if (answer) await stack.http('POST', `/v1/customer/delegated-admin/${asked.body.id}/${answer}`, undefined, bearer(c.token));
    if (state === 'terminated') await stack.http('POST', `/v1/customer/delegated-admin/${asked.body.id}/terminate`, undefined, bearer(c.token));
    await eventually(async () => (await stack.models.Relationship.findById(asked.body.id).lean())?.status === state, 20_000, `relationship ${state}`);
  }
  return { state, customerId: c.id, token: c.token, subscriptionId: c.subscriptionId, userId: user.body.id, serviceRequestId: request.body.id };
}

function call(route: AnyRoute, s: Subject) {
  const values: Record<string, string> = { customerId: s.customerId, userId: s.userId, subscriptionId: s.subscriptionId, serviceRequestId: s.serviceRequestId };
  const path = route.path.replace(/\{(\w+)\}/g, (_m, name: string) => values[name]!);
  const bodies: Record<string, unknown> = {
    createCustomerUserAsPartner: { email: `made-${Date.now()}-${Math.random().toString(36).slice(2, 8)}@tenant.example`, displayName: 'Made' },
    updateCustomerUserAsPartner: { displayName: 'Renamed' },
    changeLicensesAsPartner: { licenses: 12 },
    setRenewalAsPartner: { autoRenew: false },
    openServiceRequest: { title: 'Opened by the partner', description: 'As its global admin.', severity: 'moderate' },
    addServiceRequestNote: { text: 'A note.' },
    setServiceRequestStatus: { status: 'attention-needed' },
  };
  return stack.http(route.method.toUpperCase(), path, bodies[route.operationId], bearer(p.admin.token));
}

let subjects: Subject[];
beforeAll(async () => {
  subjects = [];
  for (const state of STATES) subjects.push(await subjectIn(state));
}, 240_000);

describe('acting in a customer, by relationship state (every acting route)', () => {
  it('covers the acting routes', () => {
    expect(actingRoutes.map((r) => r.operationId).sort()).toEqual(
      [
        'addServiceRequestNote',
        'changeLicensesAsPartner',
        'createCustomerUserAsPartner',
        'getCustomerUserAsPartner',
        'listCustomerUsersAsPartner',
        'openServiceRequest',
        'removeCustomerUserAsPartner',
        'resetCustomerUserPasswordAsPartner',
        'setRenewalAsPartner',
        'setServiceRequestStatus',
        'updateCustomerUserAsPartner',
      ].sort(),
    );
  });

  it.each(actingRoutes.map((r) => [`${r.method.toUpperCase()} ${r.path}`, r] as const))('%s', async (_name, route) => {
    const outcomes: string[] = [];
    const expected: string[] = [];
    for (const s of subjects) {
      const res = await call(route, s);
      const refused = res.status === 403 && res.body.type === '/problems/delegated-admin-required';
      outcomes.push(`${s.state}: ${refused ? 'refused' : res.status === 403 || res.status >= 500 ? `unexpected ${res.status} ${res.body?.type}` : 'through'}`);
      expected.push(`${s.state}: ${['active', 'expiring'].includes(s.state) ? 'through' : 'refused'}`);
    }
    expect(outcomes).toEqual(expected);
  });
});
