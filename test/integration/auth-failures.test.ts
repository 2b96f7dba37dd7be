import { bearer, createPartner, operator, type TestPartner } from '../support/partners';
import { startTestStack, type HttpResult, type TestStack } from '../support/stack';

/**
 * Wrong credentials are limited per client address, before anything is looked
 * up: beyond the budget a 429 with Retry-After. Each test has a stack of its own
 * with a small budget (refilled once a minute, so nothing refills meanwhile).
 */
const BUDGET = 5;
let stack: TestStack | undefined;
afterEach(async () => {
  await stack?.stop();
  stack = undefined;
});

async function start(): Promise<{ stack: TestStack; p: TestPartner }> {
  stack = await startTestStack({ worker: false, authFailureLimit: { perMinute: 1, burst: BUDGET } });
  return { stack, p: await createPartner(stack) };
}

/** A token of the right shape naming a real partner and user, with a token id and secret that match nothing. */
const bogusToken = (p: TestPartner) => {
  const [, partnerId, userId] = p.admin.token.split('.');
  return `ofp.${partnerId}.${userId}.tok_AAAAAAAAAAAAAAAA.${'x'.repeat(43)}`;
};

const statuses = (results: HttpResult[]) => results.reduce<Record<number, number>>((n, r) => ({ ...n, [r.status]: (n[r.status] ?? 0) + 1 }), {});

describe('failed authentication is limited per client address', () => {
  it('300 requests at once with a well-formed bogus token: the budget of 401s, then 429 with Retry-After, without a database lookup', async () => {
    const { stack, p } = await start();
    const lookups = jest.spyOn(stack.models.ApiToken, 'findById');
    const started = Date.now();
    const results: HttpResult[] = [];
    for (let batch = 0; batch < 6; batch++) {
      results.push(...(await Promise.all(Array.from({ length: 50 }, () => stack.http('GET', '/v1/partner', undefined, bearer(bogusToken(p)))))));
    }
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(statuses(results)).toEqual({ 401: BUDGET, 429: 300 - BUDGET });
    expect(lookups).toHaveBeenCalledTimes(BUDGET);
    const limited = results.find((r) => r.status === 429)!;
    expect(limited.body.type).toBe('/problems/rate-limited');
    expect(limited.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    // the other ways to fail spend the same budget: a wrong operator token, a customer token, none
    for (const auth of [bearer(`ofo.${'x'.repeat(40)}`), bearer(`ofc.cus_AAAAAAAAAAAAAAAA.tok_AAAAAAAAAAAAAAAA.${'x'.repeat(43)}`), {}]) {
      expect((await stack.http('GET', '/v1/operator/partners', undefined, auth)).status).toBe(429);
      expect((await stack.http('GET', '/v1/customer', undefined, auth)).status).toBe(429);
    }
  });

  it('successful callers are not hurt: successes spend nothing, and credentials good lately still work while their address is refused', async () => {
    const { stack, p } = await start();
    const ok = await Promise.all(Array.from({ length: 4 * BUDGET }, () => stack.http('GET', '/v1/partner', undefined, bearer(p.admin.token))));
    expect(statuses(ok)).toEqual({ 200: 4 * BUDGET });
    const fresh = await stack.http('POST', `/v1/users/${p.admin.id}/tokens`, {}, bearer(p.admin.token));
    expect(fresh.status).toBe(201);

    const failed = [];
    for (let i = 0; i < BUDGET + 2; i++) failed.push((await stack.http('GET', '/v1/partner', undefined, bearer(bogusToken(p)))).status);
    expect(failed).toEqual([...Array<number>(BUDGET).fill(401), 429, 429]);

    expect((await stack.http('GET', '/v1/partner', undefined, bearer(p.admin.token))).status).toBe(200);
    expect((await stack.http('GET', '/v1/operator/partners', undefined, operator)).status).toBe(200);
    // public routes take no credentials: only their own per-address request limit applies
    expect((await stack.http('GET', `/v1/links/${'A'.repeat(32)}`)).status).toBe(404);
    // a good token this address has not shown yet waits like any other
    expect((await stack.http('GET', '/v1/partner', undefined, bearer(fresh.body.token))).status).toBe(429);
  });

  it('public routes keep their per-address request limit', async () => {
    stack = await startTestStack({ worker: false, rateLimit: { perMinute: 1, burst: 3 } });
    const results = [];
    for (let i = 0; i < 5; i++) results.push((await stack.http('GET', `/v1/links/${'A'.repeat(32)}`)).status);
    expect(results).toEqual([404, 404, 404, 429, 429]);
  });
});
