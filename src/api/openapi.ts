import { z } from 'zod';
import { ACTIONS } from '../auth/policy';
import { BODY_LIMIT_BYTES } from './limits';
import { PROBLEM_TYPES, type ProblemSlug } from './problem-types';
import type { AnyRoute } from './route';
import { describeQueryIntegers } from './schemas';

type Json = Record<string, unknown>;

const jsonSchema = (schema: z.ZodType, io: 'input' | 'output'): Json => {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any', override: describeQueryIntegers }) as Json;
  return rest;
};

const problemSchema: Json = {
  type: 'object',
  description: 'RFC 9457 problem details',
  required: ['type', 'title', 'status', 'detail'],
  properties: {
    type: { type: 'string', description: 'Stable identifier, /problems/<slug>; GET it for its description' },
    title: { type: 'string' },
    status: { type: 'integer' },
    detail: { type: 'string', description: 'What went wrong in this case, for humans' },
    instance: { type: 'string' },
    errors: {
      type: 'array',
      description: 'For validation problems: each failing field',
      items: { type: 'object', properties: { location: { enum: ['body', 'query', 'path', 'header'] }, path: { type: 'string' }, message: { type: 'string' } } },
    },
  },
};

const SECURITY = {
  public: [],
  operator: [{ operatorToken: [] }],
  partner: [{ partnerToken: [] }],
  customer: [{ customerToken: [] }],
  'customer-or-public': [{}, { customerToken: [] }],
};

/** The OpenAPI 3.1 document, generated from the very zod schemas the routes validate with. */
export function buildOpenApi(routes: AnyRoute[], version: string): Json {
  const paths: Record<string, Record<string, Json>> = {};
  for (const route of routes) {
    const parameters: Json[] = [];
    const addParams = (schema: z.ZodType | undefined, where: 'path' | 'query') => {
      if (!(schema instanceof z.ZodObject)) return;
      for (const [name, field] of Object.entries(schema.shape as Record<string, z.ZodType>)) {
        const s = jsonSchema(field, 'input');
        parameters.push({ name, in: where, required: where === 'path' || !field.safeParse(undefined).success, description: s.description, schema: s });
      }
    };
    addParams(route.params, 'path');
    addParams(route.query, 'query');
    if (route.method !== 'get') {
      parameters.push({
        name: 'Idempotency-Key',
        in: 'header',
        required: false,
        description:
          route.auth === 'public' || route.auth === 'customer-or-public'
            ? "A random UUID (16–255 visible ASCII characters; without a customer token the key is all that tells callers apart): a retry with the same key and body gets the first answer (a new customer's token included) instead of acting again."
            : 'Any unique string (1–255 visible ASCII characters; a random UUID is best): a retry with the same key and body gets the first answer instead of acting again.',
        // What withIdempotency accepts (visible ASCII); the 16 characters asked of a caller without a token are in the description only.
        schema: { type: 'string', minLength: 1, maxLength: 255, pattern: '^[!-~]+$' },
      });
    }

    // every route: unknown query parameters are refused, and any request's body is parsed (app.ts) before the route sees it
    const slugs = new Set<ProblemSlug>([
      'rate-limited',
      'dependency-unavailable',
      'busy',
      'internal',
      'validation',
      'malformed-body',
      'body-too-large',
      'unsupported-media-type',
    ]);
    if (!route.body) slugs.add('unexpected-body');
    if (route.auth !== 'public') slugs.add('unauthenticated');
    if (route.permission) {
      slugs.add('role-required');
      if ('authorisation' in ACTIONS[route.permission as keyof typeof ACTIONS]) slugs.add('authorisation-required');
    }
    if (route.params) slugs.add('not-found');
    if (route.query instanceof z.ZodObject && 'cursor' in route.query.shape) slugs.add('invalid-cursor');
    if (route.method !== 'get') ['idempotency-key-in-use', 'idempotency-key-reused'].forEach((s) => slugs.add(s as ProblemSlug));
    if (route.showsSecret) slugs.add('secret-withdrawn');
    for (const s of route.problems ?? []) slugs.add(s);

    const responses: Record<string, Json> = {};
    for (const [status, r] of Object.entries(route.responses)) {
      responses[status] = { description: r.description, ...(r.schema ? { content: { 'application/json': { schema: jsonSchema(r.schema, 'output') } } } : {}) };
    }
    for (const slug of slugs) {
      const { status } = PROBLEM_TYPES[slug];
      const existing = responses[String(status)];
      const line = `\`/problems/${slug}\`: ${PROBLEM_TYPES[slug].title}`;
      responses[String(status)] = existing
        ? { ...existing, description: `${existing.description}; ${line}` }
        : { description: line, content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } } };
    }

    const permission = route.permission ? `\n\nNeeds the permission \`${route.permission}\` (see GET /v1/me).` : '';
    paths[route.path] ??= {};
    paths[route.path]![route.method] = {
      operationId: route.operationId,
      summary: route.summary,
      description: `${route.description ?? ''}${permission}`.trim() || undefined,
      tags: [route.tag],
      security: SECURITY[route.auth as keyof typeof SECURITY],
      parameters: parameters.length ? parameters : undefined,
      requestBody: route.body
        ? {
            required: true,
            content: { 'application/json': { schema: jsonSchema(route.body, 'input') } },
            description: `JSON, at most ${route.bodyLimitBytes ?? BODY_LIMIT_BYTES} bytes`,
          }
        : undefined,
      responses,
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'offerflow API',
      version,
      description:
        'Trial invitations, purchase offers, license adjustments and delegated administration for cloud-software partners. ' +
        'Errors are application/problem+json (RFC 9457) with a stable `type`.',
    },
    servers: [{ url: '/' }],
    tags: [...new Set(routes.map((r) => r.tag))].map((name) => ({ name })),
    paths,
    components: {
      securitySchemes: {
        partnerToken: { type: 'http', scheme: 'bearer', description: "A partner user's API token (ofp.…)" },
        operatorToken: { type: 'http', scheme: 'bearer', description: "The platform operator's token" },
        customerToken: {
          type: 'http',
          scheme: 'bearer',
          description: "A customer's token (ofc.…), returned once when its first acceptance created the tenant",
        },
      },
      schemas: { Problem: problemSchema },
    },
  };
}
