import { allRoutes } from '../../src/api/routes';
import type { Services } from '../../src/services';
import { addUser, bearer, createPartner, type TestPartner } from '../support/partners';
import { eventually, startTestStack, type TestStack } from '../support/stack';
import * as flows from '../support/flows';

/** Integers in a query string are decimal digits, nothing else, then range-checked. */
let stack: TestStack;
let p: TestPartner;
let customer: flows.TestCustomer;
let subscriptionId: string;
beforeAll(async () => {
  stack = await startTestStack();
  p = await createPartner(stack);
  for (let i = 0; i < 11; i++) await addUser(stack, p);
  customer = await flows.trialCustomer(stack, p);
  await eventually(async () => (await stack.directory.get(p.id, customer.id))?.status === 'trial', 20_000, 'the customer in the directory');
  const offer = await flows.sendOffer(stack, p, [customer.id], [{ sku: 'BUS-STD', licenses: 10 }]);
  const bought = await flows.acceptOffer(stack, offer.code, customer.token);
  subscriptionId = bought.body.subscriptions[0].subscriptionId;
  await eventually(async () => (await stack.models.Subscription.findById(subscriptionId).lean())?.status === 'active', 20_000, 'a paid subscription');
}, 120_000);
afterAll(async () => {
  await stack?.stop();
});

const users = (qs: string) => stack.http('GET', `/v1/users?${qs}`, undefined, bearer(p.admin.token));
const preview = (qs: string) => stack.http('GET', `/v1/customer/subscriptions/${subscriptionId}/price-preview?${qs}`, undefined, bearer(customer.token));

const expectRefused = (res: { status: number; body: any }, qs: string, parameter: string) => {
  expect({ qs, status: res.status, type: res.body?.type }).toEqual({ qs, status: 400, type: '/problems/validation' });
  expect(res.body.errors).toEqual([expect.objectContaining({ location: 'query', path: parameter })]);
};

describe('integers in query strings', () => {
  it.each(['limit=0x10', 'limit=1e1', 'limit=%20%205', 'limit=5%20', 'limit=+5', 'limit=-5', 'limit=5.0', 'limit=', 'limit=1_0', 'limit=0', 'limit=101'])(
    'a page size of %s is a 400 naming limit',
    async (qs) => {
      expectRefused(await users(qs), qs, 'limit');
    },
  );

  it.each(['licenses=', 'licenses=1e2', 'licenses=0x10', 'licenses=%205', 'licenses=-1', 'licenses=100001', `licenses=${'9'.repeat(40)}`])(
    'a price preview for %s is a 400 naming licenses',
    async (qs) => {
      expectRefused(await preview(qs), qs, 'licenses');
    },
  );

  it('decimal digits within the range are taken as they read', async () => {
    expect((await users('limit=5')).body.items).toHaveLength(5);
    expect((await users('limit=010')).body.items).toHaveLength(10);
    expect((await users('')).body.items).toHaveLength(12); // the default, 25
    const res = await preview('licenses=7');
    expect({ status: res.status, newLicenses: res.body.newLicenses }).toEqual({ status: 200, newLicenses: 7 });
  });

  it('the OpenAPI document describes every query integer as an integer with its bounds', async () => {
    const doc = (await stack.http('GET', '/openapi.json')).body;
    const limit = doc.paths['/v1/users'].get.parameters.find((x: { name: string }) => x.name === 'limit');
    expect(limit).toMatchObject({ in: 'query', required: false, schema: { type: 'integer', minimum: 1, maximum: 100, default: 25 } });
    const licenses = doc.paths['/v1/customer/subscriptions/{subscriptionId}/price-preview'].get.parameters.find((x: { name: string }) => x.name === 'licenses');
    expect(licenses).toMatchObject({ in: 'query', required: true, schema: { type: 'integer', minimum: 0, maximum: 100000 } });
    for (const route of allRoutes({} as Services)) {
      for (const param of doc.paths[route.path][route.method].parameters ?? []) {
        if (param.in === 'query' && ['limit', 'licenses'].includes(param.name)) {
          expect({ at: `${route.path} ${param.name}`, schema: param.schema }).toEqual({
            at: `${route.path} ${param.name}`,
            schema: expect.objectContaining({ type: 'integer', minimum: expect.any(Number), maximum: expect.any(Number) }),
          });
          expect(param.schema).not.toHaveProperty('pattern');
        }
      }
    }
  });
});
