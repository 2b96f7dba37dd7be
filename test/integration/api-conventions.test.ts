import { bearer, createPartner, operator, partnerBody, type TestPartner } from '../support/partners';
import { startTestStack, type TestStack } from '../support/stack';
import { useStackWithPartner } from '../support/use-stack';

let stack: TestStack;
let p: TestPartner;
useStackWithPartner((s, partner) => {
  stack = s;
  p = partner;
});

const expectProblem = (res: { status: number; headers: Headers; body: any }, status: number, type: string) => {
  expect({ status: res.status, type: res.body?.type }).toEqual({ status, type });
  expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  expect(typeof res.body.title).toBe('string');
  expect(typeof res.body.detail).toBe('string');
};

describe('errors are RFC 9457 problems with a stable type', () => {
  it('401 without a token, with a malformed one, and with a well-formed unknown one', async () => {
    expectProblem(await stack.http('GET', '/v1/me'), 401, '/problems/unauthenticated');
    expectProblem(await stack.http('GET', '/v1/me', undefined, { authorization: 'Basic dXNlcjpwYXNz' }), 401, '/problems/unauthenticated');
    const [, partnerId, userId, tokenId, secret] = p.admin.token.split('.');
    expectProblem(
      await stack.http('GET', '/v1/me', undefined, bearer(`ofp.${partnerId}.${userId}.tok_AAAAAAAAAAAAAAAA.${secret}`)),
      401,
      '/problems/unauthenticated',
    );
    // right ids, wrong secret
    expectProblem(
      await stack.http('GET', '/v1/me', undefined, bearer(`ofp.${partnerId}.${userId}.${tokenId}.${'y'.repeat(43)}`)),
      401,
      '/problems/unauthenticated',
    );
    // a real token whose named user or partner is changed: refused
    const other = await createPartner(stack);
    const [, otherPartner, otherUser] = other.admin.token.split('.');
    expectProblem(
      await stack.http('GET', '/v1/me', undefined, bearer(`ofp.${otherPartner}.${otherUser}.${tokenId}.${secret}`)),
      401,
      '/problems/unauthenticated',
    );
    expectProblem(await stack.http('GET', '/v1/me', undefined, bearer(`ofp.${partnerId}.${otherUser}.${tokenId}.${secret}`)), 401, '/problems/unauthenticated');
  });

  it('404 for unknown routes, 405 with Allow for a known path and another method', async () => {
    expectProblem(await stack.http('GET', '/v1/nothing-here', undefined, bearer(p.admin.token)), 404, '/problems/not-found');
    const wrong = await stack.http('DELETE', '/v1/partner', undefined, bearer(p.admin.token));
    expectProblem(wrong, 405, '/problems/method-not-allowed');
    expect(wrong.headers.get('allow')).toBe('GET');
  });

  it('400 for malformed JSON, 415 for another media type, 413 beyond the body limit', async () => {
    const auth = bearer(p.admin.token);
    expectProblem(await stack.http('POST', '/v1/users', '{"email": ', auth), 400, '/problems/malformed-body');
    expectProblem(
      await stack.http('POST', '/v1/users', 'email=a@b.c', { ...auth, 'content-type': 'application/x-www-form-urlencoded' }),
      415,
      '/problems/unsupported-media-type',
    );
    expectProblem(
      await stack.http('POST', '/v1/users', JSON.stringify({ email: 'a@b.example', displayName: 'x'.repeat(70_000) }), auth),
      413,
      '/problems/body-too-large',
    );
    expectProblem(await stack.http('POST', '/v1/users', '[1,2]', auth), 400, '/problems/validation');
    expectProblem(await stack.http('POST', '/v1/users/usr_x/deactivate', { unexpected: true }, auth), 400, '/problems/unexpected-body');
  });

  it('validation problems name every failing field with its location', async () => {
    const res = await stack.http(
      'POST',
      '/v1/users?debug=1',
      { email: 'not-an-email', displayName: '', companyRole: 'emperor', extra: 1 },
      bearer(p.admin.token),
    );
    expectProblem(res, 400, '/problems/validation');
    expect(res.body.errors).toEqual([{ location: 'query', path: 'debug', message: 'unknown field' }]);
    const body = await stack.http('POST', '/v1/users', { email: 'not-an-email', displayName: '', companyRole: 'emperor', extra: 1 }, bearer(p.admin.token));
    const fields = body.body.errors.map((e: { location: string; path: string }) => `${e.location}:${e.path}`).sort();
    expect(fields).toEqual(['body:companyRole', 'body:displayName', 'body:email', 'body:extra']);
  });

  it('every response carries a request id, the caller’s when sane', async () => {
    const mine = await stack.http('GET', '/v1/partner', undefined, { ...bearer(p.admin.token), 'x-request-id': 'trace-123' });
    expect(mine.headers.get('x-request-id')).toBe('trace-123');
    const insane = await stack.http('GET', '/v1/partner', undefined, { ...bearer(p.admin.token), 'x-request-id': 'a b\tc'.repeat(30) });
    expect(insane.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe('Idempotency-Key on creating POSTs', () => {
  it('a retry returns the first response and creates nothing more', async () => {
    const headers = { ...bearer(p.admin.token), 'idempotency-key': 'create-ana-1' };
    const body = { email: `ana-${Date.now()}@contoso.example`, displayName: 'Ana' };
    const first = await stack.http('POST', '/v1/users', body, headers);
    expect(first.status).toBe(201);
    const again = await stack.http('POST', '/v1/users', body, headers);
    expect(again.status).toBe(201);
    expect(again.body).toEqual(first.body);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.headers.get('location')).toBe(first.headers.get('location'));
    expect(await stack.models.User.countDocuments({ partnerId: p.id, emailLower: body.email.toLowerCase() })).toBe(1);
  });

  it('the same key with another body is refused (422); keys are per caller', async () => {
    const headers = { ...bearer(p.admin.token), 'idempotency-key': 'create-ben-1' };
    expect((await stack.http('POST', '/v1/users', { email: `ben-${Date.now()}@contoso.example`, displayName: 'Ben' }, headers)).status).toBe(201);
    const reused = await stack.http('POST', '/v1/users', { email: `other-${Date.now()}@contoso.example`, displayName: 'Other' }, headers);
    expectProblem(reused, 422, '/problems/idempotency-key-reused');
    // another partner may use the same key for its own request
    const q = await createPartner(stack);
    expect(
      (
        await stack.http(
          'POST',
          '/v1/users',
          { email: `ben-${Date.now()}@contoso.example`, displayName: 'Ben' },
          { ...bearer(q.admin.token), 'idempotency-key': 'create-ben-1' },
        )
      ).status,
    ).toBe(201);
  });

  it('concurrent retries with one key create once', async () => {
    const headers = { ...bearer(p.admin.token), 'idempotency-key': `burst-${Date.now()}` };
    const body = { email: `burst-${Date.now()}@contoso.example`, displayName: 'Burst' };
    const results = await Promise.all(Array.from({ length: 10 }, () => stack.http('POST', '/v1/users', body, headers)));
    const statuses = results.map((r) => r.status);
    expect(statuses.every((s) => s === 201 || s === 409)).toBe(true);
    expect(statuses.filter((s) => s === 201).length).toBeGreaterThanOrEqual(1);
    for (const r of results.filter((x) => x.status === 409)) expect(r.body.type).toBe('/problems/idempotency-key-in-use');
    expect(await stack.models.User.countDocuments({ partnerId: p.id, emailLower: body.email })).toBe(1);
    expect(new Set(results.filter((r) => r.status === 201).map((r) => r.body.id)).size).toBe(1);
  });

  it('a failed request releases its key; an invalid key is a 400', async () => {
    const headers = { ...bearer(p.admin.token), 'idempotency-key': 'fails-then-works' };
    const email = `dup-${Date.now()}@contoso.example`;
    await stack.http('POST', '/v1/users', { email, displayName: 'First' }, bearer(p.admin.token));
    expect((await stack.http('POST', '/v1/users', { email, displayName: 'Second' }, headers)).status).toBe(409);
    expect((await stack.http('POST', '/v1/users', { email: `new-${email}`, displayName: 'Second' }, headers)).status).toBe(201);
    const bad = await stack.http(
      'POST',
      '/v1/users',
      { email: `x-${email}`, displayName: 'X' },
      { ...bearer(p.admin.token), 'idempotency-key': 'x'.repeat(300) },
    );
    expectProblem(bad, 400, '/problems/validation');
    expect(bad.body.errors[0]).toMatchObject({ location: 'header', path: 'Idempotency-Key' });
  });

  it('the operator’s partner creation honours it too', async () => {
    const body = partnerBody();
    const headers = { ...operator, 'idempotency-key': `partner-${body.admin.email}` };
    const [a, b] = [await stack.http('POST', '/v1/operator/partners', body, headers), await stack.http('POST', '/v1/operator/partners', body, headers)];
    expect(a.status).toBe(201);
    expect(b.body.partner.id).toBe(a.body.partner.id);
    expect(await stack.models.Partner.countDocuments({ 'profile.name': body.profile.name })).toBe(1);
    // its answer carries the admin's token: shown again only while it works, and never kept readable
    expect(b.body.admin.token.token).toBe(a.body.admin.token.token);
    expect(JSON.stringify(await stack.models.IdempotencyKey.find().lean())).not.toContain(a.body.admin.token.token.split('.').pop());
    const revoke = await stack.http('DELETE', `/v1/users/${a.body.admin.user.id}/tokens/${a.body.admin.token.id}`, undefined, bearer(a.body.admin.token.token));
    expect(revoke.status).toBe(204);
    const afterRevoke = await stack.http('POST', '/v1/operator/partners', body, headers);
    expectProblem(afterRevoke, 410, '/problems/secret-withdrawn');
    expect(afterRevoke.text).not.toContain(a.body.admin.token.token);
  });

  it('a token-issuing retry shows the token again only while it works; its key must be one nobody guesses', async () => {
    const key = `token-${'x'.repeat(20)}-${Date.now()}`;
    const issue = (k = key) => stack.http('POST', `/v1/users/${p.admin.id}/tokens`, { label: 'ci' }, { ...bearer(p.admin.token), 'idempotency-key': k });
    const short = await issue('tok-1');
    expectProblem(short, 400, '/problems/validation');
    expect(short.body.errors[0]).toMatchObject({ location: 'header', path: 'Idempotency-Key' });
    const first = await issue();
    expect(first.status).toBe(201);
    const again = await issue();
    expect(again.body.token).toBe(first.body.token);
    expect(JSON.stringify(await stack.models.IdempotencyKey.find().lean())).not.toContain(first.body.token.split('.').pop());
    expect((await stack.http('DELETE', `/v1/users/${p.admin.id}/tokens/${first.body.id}`, undefined, bearer(p.admin.token))).status).toBe(204);
    const afterRevoke = await issue();
    expectProblem(afterRevoke, 410, '/problems/secret-withdrawn');
    expect(afterRevoke.text).not.toContain(first.body.token);
  });
});

describe('rate limit', () => {
  it('answers 429 with Retry-After beyond the burst, per caller', async () => {
    const limited = await startTestStack({ rateLimit: { perMinute: 1, burst: 5 } });
    try {
      const q = await createPartner(limited);
      const results = [];
      for (let i = 0; i < 7; i++) results.push(await limited.http('GET', '/v1/partner', undefined, bearer(q.admin.token)));
      expect(results.map((r) => r.status)).toEqual([200, 200, 200, 200, 200, 429, 429]);
      expectProblem(results[5]!, 429, '/problems/rate-limited');
      expect(Number(results[5]!.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    } finally {
      await limited.stop();
    }
  });
});

describe('documentation', () => {
  it('serves an OpenAPI 3.1 document describing every route, generated from the zod schemas', async () => {
    const res = await stack.http('GET', '/openapi.json');
    expect(res.status).toBe(200);
    const doc = res.body;
    expect(doc.openapi).toBe('3.1.0');
    const ops = Object.entries(doc.paths as Record<string, Record<string, any>>).flatMap(([path, methods]) =>
      Object.entries(methods).map(([m, op]) => ({ path, m, op })),
    );
    expect(ops.length).toBeGreaterThanOrEqual(25);
    for (const { path, op } of ops) {
      for (const name of [...path.matchAll(/\{(\w+)\}/g)].map((x) => x[1])) {
        expect(op.parameters.find((pp: any) => pp.in === 'path' && pp.name === name)).toBeDefined();
      }
      expect(Object.keys(op.responses).length).toBeGreaterThan(1);
    }
    const createUser = doc.paths['/v1/users'].post;
    expect(createUser.requestBody.content['application/json'].schema.properties.email).toMatchObject({ type: 'string', format: 'email' });
    expect(createUser.requestBody.content['application/json'].schema.additionalProperties).toBe(false);
    expect(createUser.parameters.map((x: any) => x.name)).toContain('Idempotency-Key');
    expect(createUser.responses['409'].content['application/problem+json']).toBeDefined();
    const search = doc.paths['/v1/customers'].get;
    expect(search.parameters.find((x: any) => x.name === 'limit').schema).toMatchObject({ minimum: 1, maximum: 100, default: 25 });
  });

  it('serves readable docs at /docs (Swagger UI, from this server) and each problem type', async () => {
    const docs = await stack.http('GET', '/docs');
    expect(docs.status).toBe(200);
    expect(docs.text).toContain('/docs/assets/swagger-ui-bundle.js');
    const bundle = await fetch(`${stack.baseUrl}/docs/assets/swagger-ui-bundle.js`);
    expect(bundle.status).toBe(200);
    const problem = await stack.http('GET', '/problems/last-global-admin', undefined, { accept: 'application/json' });
    expect(problem.body).toMatchObject({ type: '/problems/last-global-admin', status: 409 });
    const html = await stack.http('GET', '/problems/last-global-admin', undefined, { accept: 'text/html' });
    expect(html.text).toContain('<h1>Last global admin</h1>');
    expect((await stack.http('GET', '/problems/constructor', undefined, { accept: 'application/json' })).status).toBe(404);
  });
});
