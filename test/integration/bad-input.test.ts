import { z } from 'zod';
import { allRoutes } from '../../src/api/routes';
import type { Services } from '../../src/services';
import type { AnyRoute } from '../../src/api/route';
import { startTestStack, type TestStack } from '../support/stack';
import { allowedHeaders, buildWorld, requestFor, type World } from '../support/world';

/**
 * Hostile and broken input for every route: each must be a clear 4xx problem,
 * never a 500, and must write nothing.
 */
const routes = allRoutes({} as Services);

const HOSTILE_STRINGS = [
  '{"$gt":""}',
  '$where',
  "a'; db.dropDatabase(); //",
  '../../etc/passwd',
  '\u202egnp.exe', // right-to-left override
  'x'.repeat(5000),
  '\u0000',
  'Ａ', // full-width
];
const HOSTILE_VALUES: unknown[] = [{ $gt: '' }, { $where: 'sleep(100)' }, ['a'], null, 12, true, 'x'.repeat(5000), '\ud800', 'a\u0000b', '\u200b'];

let stack: TestStack;
let w: World;
beforeAll(async () => {
  stack = await startTestStack();
  w = await buildWorld(stack);
}, 120_000);
afterAll(async () => {
  await stack?.stop();
});

const headersFor = (route: AnyRoute) => allowedHeaders(route, w);

/** Documents in every collection the routes write to. */
async function counts(): Promise<Record<string, number>> {
  const entries = await Promise.all(Object.entries(stack.models).map(async ([name, model]) => [name, await model.countDocuments()] as const));
  return Object.fromEntries(entries);
}

async function expectRefused(route: AnyRoute, method: string, path: string, body: unknown, headers: Record<string, string>, label: string) {
  const res = await stack.http(method, path, body, headers);
  const ok = res.status >= 400 && res.status < 500 && res.headers.get('content-type')?.startsWith('application/problem+json');
  if (!ok) throw new Error(`${route.operationId} ${label}: expected a 4xx problem, got ${res.status} ${res.text.slice(0, 300)}`);
  return res.status;
}

const fields = (schema: z.ZodType | undefined): string[] => (schema instanceof z.ZodObject ? Object.keys(schema.shape) : []);
const fieldSchema = (schema: z.ZodType | undefined, name: string): z.ZodType => (schema as z.ZodObject).shape[name] as z.ZodType;

/** A value the field's schema accepts is legitimate input (searching for '$where' is fine): it must simply not fail. */
async function expectHandled(route: AnyRoute, method: string, path: string, body: unknown, headers: Record<string, string>, label: string) {
  const res = await stack.http(method, path, body, headers);
  if (res.status >= 500) throw new Error(`${route.operationId} ${label}: got ${res.status} ${res.text.slice(0, 300)}`);
}

describe('bad input on every route: a 4xx problem, nothing written', () => {
  it.each(routes.map((r) => [`${r.method.toUpperCase()} ${r.path}`, r] as const))('%s', async (_name, route) => {
    const before = await counts();
    const good = requestFor(route, w);
    const headers = headersFor(route);

    // path parameters
    for (const name of fields(route.params)) {
      for (const bad of HOSTILE_STRINGS) {
        const path = route.path.replace(/\{(\w+)\}/g, (_m, n: string) =>
          encodeURIComponent(n === name ? bad : decodeURIComponent(good.path.split('/')[route.path.split('/').indexOf(`{${n}}`)]!)),
        );
        const status = await expectRefused(
          route,
          good.method,
          good.query ? `${path}?${good.query}` : path,
          good.body,
          headers,
          `path ${name}=${JSON.stringify(bad).slice(0, 30)}`,
        );
        expect([400, 404]).toContain(status);
      }
    }

    // query parameters: unknown, nested, hostile values
    for (const q of ['unknown=1', 'a[$ne]=1', 'limit[$gt]=0', `cursor=${'A'.repeat(600)}`]) {
      expect(
        await expectRefused(route, good.method, `${good.path}?${good.query ? `${good.query}&` : ''}${q}`, good.body, headers, `query ${q.slice(0, 20)}`),
      ).toBe(400);
    }
    for (const name of fields(route.query)) {
      for (const bad of HOSTILE_STRINGS) {
        const url = `${good.path}?${name}=${encodeURIComponent(bad)}`; // replaces any required query: still refused or handled
        if (fieldSchema(route.query, name).safeParse(bad).success) await expectHandled(route, good.method, url, good.body, headers, `query ${name}`);
        else expect(await expectRefused(route, good.method, url, good.body, headers, `query ${name}`)).toBe(400);
      }
      expect(await expectRefused(route, good.method, `${good.path}?${name}=1&${name}=2`, good.body, headers, `query ${name} twice`)).toBe(400);
    }

    // bodies
    if (route.body) {
      const target = good.query ? `${good.path}?${good.query}` : good.path;
      for (const raw of ['{', '{"a":1,}', 'null', '"text"', '42', '[]', '{"__proto__":{"x":1}}']) {
        expect(await expectRefused(route, good.method, target, raw, headers, `body ${raw}`)).toBe(400);
      }
      expect(await expectRefused(route, good.method, target, { ...(good.body as object), unknownField: 1 }, headers, 'unknown field')).toBe(400);
      for (const name of fields(route.body)) {
        for (const bad of HOSTILE_VALUES) {
          if (fieldSchema(route.body, name).safeParse(bad).success) continue; // a legitimate value: it would create something
          const status = await expectRefused(
            route,
            good.method,
            good.path,
            { ...(good.body as object), [name]: bad },
            headers,
            `body ${name}=${JSON.stringify(bad)?.slice(0, 30)}`,
          );
          expect([400, 413]).toContain(status);
        }
      }
    } else if (good.method !== 'GET') {
      expect(await expectRefused(route, good.method, good.path, { surprise: true }, headers, 'unexpected body')).toBe(400);
    }

    expect(await counts()).toEqual(before);
  });
});
