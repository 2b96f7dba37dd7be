import type { Request, Response, Router } from 'express';
import { z } from 'zod';
import type { Logger } from '../logger';
import { authenticateCustomer, authenticateCustomerIfAny, authenticateOperator, authenticatePartnerUser } from './authenticate';
import { actorOf, type CustomerPrincipal, type PartnerPrincipal, type Principal } from '../auth/principal';
import { requirePermission, type Action } from '../auth/policy';
import { recordAudit, type AuditEntry } from '../audit/record';
import { idFor, type RequestScope } from '../request-scope';
import { cursorBinding, openQueryCursor, sealNextCursor } from './cursors';
import type { RouteDeps } from './deps';
import { withIdempotency, type KeyedRequest } from './idempotency';
import { Problem } from './problem';
import type { ProblemSlug } from './problem-types';
import type { Reply } from './reply';
import { replayable } from './replayed-secrets';
import { parse } from './validate';

/** public: nobody needed; customer-or-public: a customer token if sent (e.g. accepting a link). */
export type Auth = 'public' | 'operator' | 'partner' | 'customer' | 'customer-or-public';

type PrincipalFor<A extends Auth> = A extends 'partner'
  ? PartnerPrincipal
  : A extends 'operator'
    ? Principal
    : A extends 'customer'
      ? CustomerPrincipal
      : A extends 'customer-or-public'
        ? CustomerPrincipal | undefined
        : undefined;

export interface RouteContext<P, Q, B, A extends Auth> {
  params: P;
  query: Q;
  body: B;
  principal: PrincipalFor<A>;
  requestId: string;
  log: Logger;
  /** The request as the services see it: who acts, the ids its Idempotency-Key names, the audit log. */
  request: RequestScope;
}

const empty = z.strictObject({});
type Empty = typeof empty;

export interface RouteDef<PS extends z.ZodType = Empty, QS extends z.ZodType = Empty, BS extends z.ZodType | undefined = undefined, A extends Auth = Auth> {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  /** OpenAPI style: /v1/users/{userId} */
  path: string;
  operationId: string;
  summary: string;
  description?: string;
  tag: string;
  auth: A;
  /** The policy action a partner user needs (partner routes). */
  permission?: A extends 'partner' ? Action : never;
  params?: PS;
  query?: QS;
  body?: BS;
  /** A larger body than BODY_LIMIT_BYTES this route reads (bulk input). */
  bodyLimitBytes?: number;
  /** A POST that creates something (answers 201); every changing route honours Idempotency-Key. */
  creates?: boolean;
  /**
   * Its answer carries a secret shown once (an API token): its Idempotency-Key must be 16+
   * characters, for the kept answer is sealed under it, and a retry is shown it only while it works.
   */
  showsSecret?: boolean;
  responses: Record<number, { description: string; schema?: z.ZodType }>;
  /** Problem types this route may answer with besides the common ones. */
  problems?: ProblemSlug[];
  handler(ctx: RouteContext<z.output<PS>, z.output<QS>, BS extends z.ZodType ? z.output<BS> : undefined, A>): Promise<Reply>;
}

/** Identity function that infers a route's types from its schemas. */
export function defineRoute<PS extends z.ZodType = Empty, QS extends z.ZodType = Empty, BS extends z.ZodType | undefined = undefined, A extends Auth = Auth>(
  def: RouteDef<PS, QS, BS, A>,
): RouteDef<PS, QS, BS, A> {
  return def;
}

export type AnyRoute = RouteDef<any, any, any, any>;

export const expressPath = (path: string) => path.replace(/\{(\w+)\}/g, ':$1');

/** Mounts routes: authentication, rate limit, policy, validation, idempotency (every changing route), then the handler. */
export function mountRoutes(router: Router, routes: AnyRoute[], deps: RouteDeps): void {
  for (const route of routes) {
    router[route.method](expressPath(route.path), async (req: Request, res: Response) => {
      const principal = await authenticate(route, req, deps);
      const reply = await callRoute(route, deps, { req, principal, params: req.params, query: req.query, body: req.body });
      res.status(reply.status).set(reply.headers ?? {});
      if (reply.body === undefined) res.end();
      else res.json(reply.body);
    });
  }
}

/** One call of a route by an authenticated (or anonymous) caller: the API's requests, and the pages' (which render its reply). */
export interface RouteCall {
  /** The HTTP request it came with: its id, log and address. */
  req: Request;
  principal: Principal | undefined;
  params: unknown;
  query: unknown;
  body: unknown;
  /** A page's form: its Idempotency-Key (the API's comes in the header). */
  formKey?: string;
}

/** Rate limit, policy, validation, idempotency (every changing route), then the handler; its reply with cursors sealed. */
export async function callRoute(route: AnyRoute, deps: RouteDeps, call: RouteCall): Promise<Reply> {
  const { req, principal } = call;
  deps.rateLimiter.take(principal ? principalKey(principal) : `ip:${req.ip}`);
  if (route.permission && principal?.kind === 'partner-user') requirePermission(principal, route.permission);
  const params = parse(route.params ?? empty, call.params, 'path');
  const filters = parse(route.query ?? empty, call.query, 'query');
  // cursors are signed for this list, caller and query: opened here, sealed in the reply
  const binding = cursorBinding(route.operationId, principal, params, filters);
  const query = openQueryCursor(deps.cursorKey, binding, filters);
  let body: unknown;
  if (route.body) body = parse(route.body, call.body, 'body');
  else if (call.body !== undefined && call.body !== null && Object.keys(call.body as object).length > 0) {
    throw new Problem('unexpected-body', `${route.method.toUpperCase()} ${route.path} takes no body`);
  }
  const requestId = String(req.id);
  const actor = principal ? (actorOf(principal) as AuditEntry['actor']) : ({ kind: 'system', id: 'anonymous' } as const);
  const run = (keyed: KeyedRequest | undefined) => {
    const at = keyed?.at ?? new Date();
    const audit: RequestScope['audit'] = (entry) =>
      recordAudit(
        deps.models,
        {
          ...entry,
          partnerId: entry.partnerId ?? (principal?.kind === 'partner-user' ? principal.partner._id : undefined),
          customerId: entry.customerId ?? (principal?.kind === 'customer' ? principal.customer._id : undefined),
          actor: entry.actor ?? actor,
          requestId,
        },
        new Date(),
        keyed && idFor({ key: keyed.key, at }, 'aud', `${entry.action} ${entry.target.id}`),
      );
    const request: RequestScope = { requestId, actor, at, key: keyed?.key, audit };
    const ctx: RouteContext<unknown, unknown, unknown, Auth> = { params, query, body, principal: principal as never, requestId, log: req.log, request };
    return route.handler(ctx as never);
  };
  const reply =
    route.method === 'get'
      ? await run(undefined)
      : await withIdempotency(deps.models, req, principal ? principalKey(principal) : `public ${expressPathOf(route, params)}`, run, {
          minKeyLength: principal && !route.showsSecret ? 1 : 16,
          replayable: (kept) => replayable(deps.models, kept),
          form: call.formKey === undefined ? undefined : { key: call.formKey, request: { operationId: route.operationId, params, body } },
        });
  return reply.body === undefined ? reply : { ...reply, body: sealNextCursor(deps.cursorKey, binding, reply.body) };
}

/** The path a route was called at (a public caller's keys are kept per path: per link). */
const expressPathOf = (route: AnyRoute, params: unknown) =>
  route.path.replace(/\{(\w+)\}/g, (_m, name: string) => String((params as Record<string, unknown>)[name] ?? ''));

/** The caller, if the route takes one; an address that keeps failing is refused before its credentials are looked up. */
export function authenticate(route: AnyRoute, req: Request, deps: RouteDeps): Promise<Principal | undefined> {
  const credential = req.headers.authorization;
  if (route.auth === 'public' || (route.auth === 'customer-or-public' && credential === undefined)) return Promise.resolve(undefined);
  return deps.authFailures.guard(req.ip, credential, () => verifyCredentials(route, req, deps));
}

function verifyCredentials(route: AnyRoute, req: Request, deps: RouteDeps): Promise<Principal | undefined> {
  switch (route.auth as Auth) {
    case 'public':
      return Promise.resolve(undefined);
    case 'operator':
      return authenticateOperator(req, deps);
    case 'partner':
      return authenticatePartnerUser(req, deps);
    case 'customer':
      return authenticateCustomer(req, deps);
    case 'customer-or-public':
      return authenticateCustomerIfAny(req, deps);
  }
}

const principalKey = (p: Principal) =>
  p.kind === 'operator' ? 'operator' : p.kind === 'customer' ? `customer:${p.customer._id}` : `${p.partner._id}:${p.user._id}`;
