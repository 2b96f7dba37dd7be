import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ResponseContractError } from '../support/openapi-check';
import { httpCall } from '../support/stack';

/** The tests' HTTP helper holds every answer to the served OpenAPI document (test/support/openapi-check.ts). */
const problem = (type: string, status: number) => ({ type, title: 'T', status, detail: 'd' });
const DOC = {
  openapi: '3.1.0',
  paths: {
    '/v1/things/{id}': {
      get: {
        operationId: 'getThing',
        responses: {
          200: {
            description: 'ok',
            content: {
              'application/json': {
                schema: { type: 'object', required: ['id'], properties: { id: { type: 'string' }, email: { type: 'string', format: 'email' } } },
              },
            },
          },
          404: {
            description: '`/problems/not-found`: Not found',
            content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
          },
        },
      },
      delete: { operationId: 'deleteThing', responses: { 202: { description: 'going' }, 204: { description: 'gone' } } },
    },
  },
  components: {
    schemas: {
      Problem: { type: 'object', required: ['type', 'title', 'status', 'detail'], properties: { type: { type: 'string' }, status: { type: 'integer' } } },
    },
  },
};

/** What the fake API answers, by "METHOD path". */
const ANSWERS: Record<string, { status: number; type?: string; body?: unknown }> = {
  'GET /v1/things/good': { status: 200, body: { id: 'good', email: 'a@contoso.example' } },
  'GET /v1/things/bad-email': { status: 200, body: { id: 'x', email: 'not an address' } },
  'GET /v1/things/no-id': { status: 200, body: {} },
  'GET /v1/things/teapot': { status: 418, body: { id: 'x' } },
  'GET /v1/things/missing': { status: 404, type: 'application/problem+json', body: problem('/problems/not-found', 404) },
  'GET /v1/things/other-problem': { status: 404, type: 'application/problem+json', body: problem('/problems/conflict', 404) },
  'GET /v1/things/text': { status: 200, type: 'text/plain', body: 'hello' },
  'DELETE /v1/things/good': { status: 204 },
  'DELETE /v1/things/chatty': { status: 202, body: { id: 'x' } },
  'GET /v1/elsewhere': { status: 404, type: 'application/problem+json', body: problem('/problems/not-found', 404) },
  'GET /v1/elsewhere-broken': { status: 404, type: 'application/problem+json', body: { type: '/problems/not-found' } },
};

let server: Server;
let baseUrl: string;
beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.url === '/openapi.json') return res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(DOC));
    const answer = ANSWERS[`${req.method} ${req.url}`] ?? { status: 500 };
    res.writeHead(answer.status, answer.body === undefined ? {} : { 'content-type': answer.type ?? 'application/json; charset=utf-8' });
    res.end(answer.body === undefined ? undefined : typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

const violation = async (method: string, path: string) => {
  try {
    await httpCall(baseUrl, method, path);
    return undefined;
  } catch (err) {
    if (!(err instanceof ResponseContractError)) throw err;
    return err.message;
  }
};

describe('answers checked against the OpenAPI document', () => {
  it('lets documented answers through', async () => {
    for (const [method, path] of [
      ['GET', '/v1/things/good'],
      ['GET', '/v1/things/missing'],
      ['DELETE', '/v1/things/good'],
      ['GET', '/v1/elsewhere'], // outside the document, a well-formed problem
    ] as const) {
      expect({ path, violation: await violation(method, path) }).toEqual({ path, violation: undefined });
    }
  });

  it.each([
    ['GET', '/v1/things/bad-email', /must match format "email"/],
    ['GET', '/v1/things/no-id', /must have required property 'id'/],
    ['GET', '/v1/things/teapot', /status 418 is not documented for getThing/],
    ['GET', '/v1/things/other-problem', /problem type \/problems\/conflict is registered with 409/],
    ['GET', '/v1/things/text', /text\/plain is not documented for getThing 200/],
    ['DELETE', '/v1/things/chatty', /documented without a body/],
    ['GET', '/v1/elsewhere-broken', /does not match the Problem schema/],
  ] as const)('fails the request %s %s at once', async (method, path, expected) => {
    expect(await violation(method, path)).toMatch(expected);
  });
});
