/**
 * What acting in a customer under delegated administration costs: a limited-role
 * password reset (POST /v1/customers/{id}/users/{uid}/password-reset: the policy,
 * the relationship found, an update on its workflow whose validator checks the role,
 * an activity that re-checks the authorisation and writes the hash and the audit
 * entry, and an scrypt hash) against a plain authenticated GET of the same customer
 * (GET /v1/customers/{id}), one request at a time, alternating in ABBA order, in
 * one run. The scrypt hash alone is timed in this process beside them.
 */
import { hashPassword } from '../src/customer-users/password';
import { apiCaller, BENCH_OPERATOR_TOKEN, BENCH_PARTNER, createInvitation, ms, percentile, withBenchStack } from './support';

export interface ActingResult {
  samples: number;
  get: number[];
  reset: number[];
  scrypt: number[];
}

async function timed(call: () => Promise<Response>, expected: number): Promise<number> {
  const t0 = performance.now();
  const res = await call();
  await res.arrayBuffer();
  const took = performance.now() - t0;
  if (res.status !== expected) throw new Error(`answered ${res.status}, not ${expected}`);
  return took;
}

export async function benchActing(samples: number): Promise<ActingResult> {
  return withBenchStack(async (apiUrl) => {
    const call = apiCaller(apiUrl);
    const created = await call('POST', '/v1/operator/partners', BENCH_PARTNER, BENCH_OPERATOR_TOKEN, 201);
    const admin: string = created.admin.token.token;
    const limitedUser = await call('POST', '/v1/users', { email: 'limited@bench.example', displayName: 'Limited', customerRole: 'limited' }, admin, 201);
    const limited: string = (await call('POST', `/v1/users/${limitedUser.id}/tokens`, {}, admin, 201)).token;
    const invitation = await createInvitation(apiUrl, admin, { sku: 'BUS-STD' });
    const accepted = await call(
      'POST',
      `/v1/links/${invitation.url.split('/').pop()}/accept`,
      { customer: { name: 'Fabrikam Bench', domain: 'fabrikambench.onmicrosoft.com', contact: { name: 'Fay', email: 'fay@fabrikam.example' } } },
      undefined,
      201,
    );
    const customerId: string = accepted.customer.id;
    const asked = await call('POST', `/v1/customers/${customerId}/delegated-admin`, { role: 'limited' }, admin, 201);
    await call('POST', `/v1/customer/delegated-admin/${asked.id}/accept`, undefined, accepted.token, 200);
    const user = await call('POST', '/v1/customer/users', { email: 'ursula@fabrikam.example', displayName: 'Ursula' }, accepted.token, 201);

    const headers = { authorization: `Bearer ${limited}` };
    // the customer list shows the customer once its directory writer has listed it
    for (let tries = 0; (await fetch(`${apiUrl}/v1/customers/${customerId}`, { headers })).status !== 200; tries++) {
      if (tries > 150) throw new Error('the customer was not listed within 30 s');
      await new Promise((r) => setTimeout(r, 200));
    }
    const get = () => timed(() => fetch(`${apiUrl}/v1/customers/${customerId}`, { headers }), 200);
    const reset = () => timed(() => fetch(`${apiUrl}/v1/customers/${customerId}/users/${user.id}/password-reset`, { method: 'POST', headers }), 200);
    for (let i = 0; i < 10; i++) {
      await get();
      await reset();
    } // warm up
    const got = { get: [] as number[], reset: [] as number[], scrypt: [] as number[] };
    for (let i = 0; i < samples; i++) {
      const order = i % 2 === 0 ? (['get', 'reset'] as const) : (['reset', 'get'] as const);
      for (const k of order) got[k].push(await (k === 'get' ? get() : reset()));
      const t0 = performance.now();
      await hashPassword('Bench-0123456789');
      got.scrypt.push(performance.now() - t0);
    }
    const sorted = (xs: number[]) => [...xs].sort((a, b) => a - b);
    return { samples, get: sorted(got.get), reset: sorted(got.reset), scrypt: sorted(got.scrypt) };
  });
}

export function reportActing(r: ActingResult): string {
  const line = (label: string, xs: number[]) => `  ${label.padEnd(58)} p50 ${ms(percentile(xs, 50))}  p99 ${ms(percentile(xs, 99))}`;
  return [
    `acting in a customer vs a plain authenticated GET, ${r.samples} of each, one at a time (ABBA):`,
    line('GET /v1/customers/{id} (limited-role partner user)', r.get),
    line('POST …/users/{uid}/password-reset (limited role, a user)', r.reset),
    line('  of which: one scrypt hash (N=2^15, r=8, p=1), in process', r.scrypt),
    `  reset / GET: p50 ${(percentile(r.reset, 50) / percentile(r.get, 50)).toFixed(1)}×, p99 ${(percentile(r.reset, 99) / percentile(r.get, 99)).toFixed(1)}×`,
  ].join('\n');
}
