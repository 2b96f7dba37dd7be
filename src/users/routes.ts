import { z } from 'zod';
import { authorize, defineRoute } from '../api/route';
import { pageById } from '../api/pagination';
import type { ApiDeps } from '../api/deps';
import { notFound } from '../api/problem';
import { cursor, page, pageLimit } from '../api/schemas';
import { ACTIONS, decide, type Action } from '../auth/policy';
import type { PartnerPrincipal } from '../auth/principal';
import type { ApiTokenDoc } from '../auth/model';
import { presentPartner } from '../partners/present';
import { partnerOut } from '../partners/schemas';
import type { UserDoc } from './model';
import { presentToken, presentUser } from './present';
import { createUserSchema, issuedTokenOut, issueTokenSchema, patchUserSchema, tokenOut, tokenParams, userOut, userParams } from './schemas';
import { changeUser, createUser, findUser, issueTokenFor } from './service';
import { findOwned } from '../db/owned';

/** Managing someone else's tokens takes users:manage; one's own, only tokens:own. */
const authorizeFor = (principal: PartnerPrincipal, userId: string, othersAction: Action) => {
  if (userId !== principal.user._id) authorize(principal, othersAction);
};

export function userRoutes(deps: ApiDeps) {
  const connection = () => deps.models.User.db;
  return [
    defineRoute({
      method: 'get',
      path: '/v1/me',
      operationId: 'getMe',
      summary: 'The calling user, its partner and what it may do',
      tag: 'Users',
      auth: 'partner',
      responses: {
        200: { description: 'Who is calling', schema: z.object({ user: userOut, partner: partnerOut, permissions: z.array(z.string()) }) },
      },
      async handler({ principal }) {
        const permissions = (Object.keys(ACTIONS) as Action[]).filter((a) => decide(principal.partner, principal.user, a).allowed);
        return { status: 200, body: { user: presentUser(principal.user), partner: presentPartner(principal.partner), permissions } };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/v1/users',
      operationId: 'listUsers',
      summary: "The partner's users, oldest first",
      tag: 'Users',
      auth: 'partner',
      permission: 'users:read',
      query: z.strictObject({ limit: pageLimit, cursor, active: z.enum(['true', 'false']).optional() }),
      responses: { 200: { description: 'A page of users', schema: page(userOut) } },
      async handler({ principal, query }) {
        const filter = { partnerId: principal.partner._id, ...(query.active ? { active: query.active === 'true' } : {}) };
        const { items, nextCursor } = await pageById<UserDoc>(deps.models.User, filter, { ...query, scope: filter, order: 'oldest-first' });
        return { status: 200, body: { items: items.map(presentUser), nextCursor } };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/v1/users',
      operationId: 'createUser',
      summary: 'Create a user (global admins and user-management admins)',
      tag: 'Users',
      auth: 'partner',
      permission: 'users:manage',
      body: createUserSchema,
      creates: true,
      responses: { 201: { description: 'Created', schema: userOut } },
      problems: ['email-taken'],
      async handler({ principal, body, audit }) {
        const user = await createUser(deps.models, principal.partner._id, body);
        await audit({ action: 'user.created', target: { kind: 'user', id: user._id }, details: { email: user.email, companyRole: user.companyRole, customerRole: user.customerRole } });
        return { status: 201, headers: { Location: `/v1/users/${user._id}` }, body: presentUser(user) };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/v1/users/{userId}',
      operationId: 'getUser',
      summary: 'One user (admins, or the user itself)',
      tag: 'Users',
      auth: 'partner',
      params: userParams,
      responses: { 200: { description: 'The user', schema: userOut } },
      async handler({ principal, params }) {
        authorizeFor(principal, params.userId, 'users:read');
        return { status: 200, body: presentUser(await findUser(deps.models, principal.partner._id, params.userId)) };
      },
    }),
    defineRoute({
      method: 'patch',
      path: '/v1/users/{userId}',
      operationId: 'updateUser',
      summary: "Change a user's name or roles (admins)",
      description: 'The last active global admin cannot be demoted.',
      tag: 'Users',
      auth: 'partner',
      permission: 'users:manage',
      params: userParams,
      body: patchUserSchema,
      responses: { 200: { description: 'The user after the change', schema: userOut } },
      problems: ['last-global-admin', 'user-inactive'],
      async handler({ principal, params, body, audit }) {
        const { before, after } = await changeUser(connection(), deps.models, principal.partner._id, params.userId, body);
        const changes = Object.fromEntries(
          Object.keys(body)
            .filter((k) => (before as Record<string, unknown>)[k] !== (after as Record<string, unknown>)[k])
            .map((k) => [k, { from: (before as Record<string, unknown>)[k], to: (after as Record<string, unknown>)[k] }]),
        );
        await audit({ action: 'user.updated', target: { kind: 'user', id: params.userId }, details: changes });
        return { status: 200, body: presentUser(after) };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/v1/users/{userId}/deactivate',
      operationId: 'deactivateUser',
      summary: 'Deactivate a user and revoke its tokens (admins)',
      description: 'The last active global admin cannot be deactivated.',
      tag: 'Users',
      auth: 'partner',
      permission: 'users:manage',
      params: userParams,
      responses: { 200: { description: 'The deactivated user', schema: userOut } },
      problems: ['last-global-admin', 'user-inactive'],
      async handler({ principal, params, audit }) {
        const { after } = await changeUser(connection(), deps.models, principal.partner._id, params.userId, { active: false });
        await audit({ action: 'user.deactivated', target: { kind: 'user', id: params.userId } });
        return { status: 200, body: presentUser(after) };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/v1/users/{userId}/tokens',
      operationId: 'issueToken',
      summary: 'Issue an API token (for oneself, or by admins for anyone)',
      description: 'The token is in the response only: store it now.',
      tag: 'Users',
      auth: 'partner',
      permission: 'tokens:own',
      params: userParams,
      body: issueTokenSchema,
      creates: true,
      responses: { 201: { description: 'Issued', schema: issuedTokenOut } },
      problems: ['user-inactive'],
      async handler({ principal, params, body, audit }) {
        authorizeFor(principal, params.userId, 'users:manage');
        const user = await findUser(deps.models, principal.partner._id, params.userId);
        if (!user.active) throw notFound(`active user ${params.userId}`);
        const { doc, token } = await issueTokenFor(deps.models, user, { label: body.label, expiresInDays: body.expiresInDays, createdBy: principal.user._id });
        await audit({ action: 'token.issued', target: { kind: 'user', id: user._id }, details: { tokenId: doc._id, label: doc.label } });
        return { status: 201, headers: { Location: `/v1/users/${user._id}/tokens/${doc._id}` }, body: { ...presentToken(doc as ApiTokenDoc), token } };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/v1/users/{userId}/tokens',
      operationId: 'listTokens',
      summary: "A user's tokens (never the secrets)",
      tag: 'Users',
      auth: 'partner',
      permission: 'tokens:own',
      params: userParams,
      responses: { 200: { description: 'The tokens, newest first', schema: tokenOut.array() } },
      async handler({ principal, params }) {
        authorizeFor(principal, params.userId, 'users:read');
        await findUser(deps.models, principal.partner._id, params.userId);
        const tokens = await deps.models.ApiToken.find({ partnerId: principal.partner._id, userId: params.userId }).sort({ createdAt: -1 }).lean<ApiTokenDoc[]>();
        return { status: 200, body: tokens.map(presentToken) };
      },
    }),
    defineRoute({
      method: 'delete',
      path: '/v1/users/{userId}/tokens/{tokenId}',
      operationId: 'revokeToken',
      summary: 'Revoke a token (one’s own, or anyone’s by admins)',
      tag: 'Users',
      auth: 'partner',
      permission: 'tokens:own',
      params: tokenParams,
      responses: { 204: { description: 'Revoked (also when it already was)' } },
      async handler({ principal, params, audit }) {
        authorizeFor(principal, params.userId, 'users:manage');
        const token = await findOwned<ApiTokenDoc>(deps.models.ApiToken, params.tokenId, { partnerId: principal.partner._id, userId: params.userId });
        if (!token) throw notFound(`token ${params.tokenId}`);
        if (!token.revokedAt) {
          await deps.models.ApiToken.updateOne({ _id: token._id }, { $set: { revokedAt: new Date(), revokedBy: principal.user._id } });
          await audit({ action: 'token.revoked', target: { kind: 'user', id: params.userId }, details: { tokenId: token._id } });
        }
        return { status: 204 };
      },
    }),
  ];
}
