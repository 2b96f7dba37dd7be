import { bearer, operator, partnerBody, type TestPartner } from '../support/partners';
import { type HttpResult, type TestStack } from '../support/stack';
import * as flows from '../support/flows';
import { useStackWithPartner } from '../support/use-stack';

/** Hardening headers (helmet) on every response; no-store on everything the API answers. */
let stack: TestStack;
let p: TestPartner;
useStackWithPartner((s, partner) => {
  stack = s;
  p = partner;
});

const directives = (res: HttpResult): Map<string, string> =>
  new Map(
    (res.headers.get('content-security-policy') ?? '')
      .split(';')
      .map((d) => d.trim())
      .filter(Boolean)
      .map((d) => [d.split(/\s+/)[0]!, d.slice(d.indexOf(' ') + 1)] as [string, string]),
  );

/** What every response carries, whatever it is. */
function expectHardened(res: HttpResult, what: string) {
  expect({
    what,
    nosniff: res.headers.get('x-content-type-options'),
    frame: res.headers.get('x-frame-options'),
    frameAncestors: directives(res).get('frame-ancestors'),
  }).toEqual({ what, nosniff: 'nosniff', frame: 'DENY', frameAncestors: "'none'" });
  expect(res.headers.get('x-powered-by')).toBeNull();
}

/** An API answer (JSON or problem): nothing may run in it or be cached. */
function expectApiHeaders(res: HttpResult, what: string) {
  expectHardened(res, what);
  expect({ what, defaultSrc: directives(res).get('default-src'), cacheControl: res.headers.get('cache-control') }).toEqual({
    what,
    defaultSrc: "'none'",
    cacheControl: 'no-store',
  });
}

describe('hardening headers', () => {
  it('on a JSON response', async () => {
    const res = await stack.http('GET', '/v1/me', undefined, bearer(p.admin.token));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expectApiHeaders(res, 'GET /v1/me');
    expectApiHeaders(await stack.http('GET', '/v1/catalog', undefined, bearer(p.admin.token)), 'GET /v1/catalog');
  });

  it('on problem responses: 404, 401, 400, 405', async () => {
    const answers: Array<[string, HttpResult]> = [
      ['404', await stack.http('GET', '/v1/nothing-here', undefined, bearer(p.admin.token))],
      ['401', await stack.http('GET', '/v1/me')],
      ['400', await stack.http('GET', '/v1/users?limit=0', undefined, bearer(p.admin.token))],
      ['405', await stack.http('DELETE', '/v1/partner', undefined, bearer(p.admin.token))],
    ];
    for (const [status, res] of answers) {
      expect(String(res.status)).toBe(status);
      expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expectApiHeaders(res, status);
    }
  });

  it('each response carrying a secret is no-store, its idempotent replay too', async () => {
    const key = { 'idempotency-key': `partner-${Date.now()}` };
    const body = partnerBody();
    const partner = await stack.http('POST', '/v1/operator/partners', body, { ...operator, ...key });
    expect(partner.status).toBe(201);
    expectApiHeaders(partner, 'POST /v1/operator/partners');
    const replay = await stack.http('POST', '/v1/operator/partners', body, { ...operator, ...key });
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expectApiHeaders(replay, 'POST /v1/operator/partners (replayed)');

    const token = await stack.http('POST', `/v1/users/${p.admin.id}/tokens`, {}, bearer(p.admin.token));
    expect(token.status).toBe(201);
    expectApiHeaders(token, 'POST /v1/users/{id}/tokens');

    const invitation = await flows.invite(stack, p);
    const accepted = await stack.http('POST', `/v1/links/${invitation.code}/accept`, { customer: flows.newCustomer() });
    expect(accepted.status).toBe(201);
    expect(typeof accepted.body.token).toBe('string');
    expectApiHeaders(accepted, 'POST /v1/links/{code}/accept');
  });

  it('/docs: a CSP that lets Swagger UI run from this server, with no inline script, and no framing', async () => {
    const docs = await stack.http('GET', '/docs');
    expect(docs.status).toBe(200);
    expectHardened(docs, 'GET /docs');
    const csp = directives(docs);
    expect(csp.get('default-src')).toBe("'none'");
    expect(csp.get('script-src')).toBe("'self'");
    expect(csp.get('connect-src')).toBe("'self'"); // it fetches /openapi.json
    expect(csp.get('img-src')).toContain("'self'");
    expect(csp.get('style-src')).toBe("'self'");
    expect(csp.get('base-uri')).toBe("'none'");
    expect(csp.get('object-src')).toBe("'none'");
    expect([...csp.values()].join(' ')).not.toMatch(/unsafe|https?:|\*/);
    // every script is a file served here, which script-src 'self' allows
    const scripts = [...docs.text.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)];
    expect(scripts.length).toBeGreaterThan(0);
    for (const [, attributes, inline] of scripts) {
      expect(attributes).toMatch(/\bsrc="\/docs\//);
      expect(inline!.trim()).toBe('');
    }
    for (const [, src] of docs.text.matchAll(/(?:src|href)="(\/docs\/[^"]+)"/g)) {
      const asset = await stack.http('GET', src!);
      expect({ src, status: asset.status }).toEqual({ src, status: 200 });
      expectHardened(asset, src!);
      expect(asset.headers.get('content-type')).toMatch(src!.endsWith('.css') ? /^text\/css/ : /^(text|application)\/javascript/);
    }
  });

  it('the OpenAPI document and the problem pages too', async () => {
    const openApi = await stack.http('GET', '/openapi.json');
    expectHardened(openApi, '/openapi.json');
    expect(directives(openApi).get('default-src')).toBe("'none'");
    const page = await stack.http('GET', '/problems/not-found', undefined, { accept: 'text/html' });
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expectHardened(page, '/problems/not-found');
    expect(directives(page).get('default-src')).toBe("'none'");
  });
});
