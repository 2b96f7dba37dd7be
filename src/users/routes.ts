import { z } from 'zod';
import { defineRoute } from '../api/route';
import { cursor, page, pageLimit } from '../api/schemas';
import { presentPartner } from '../partners/present';
import { partnerOut } from '../partners/schemas';
import type { Services } from '../services';
import { presentToken, presentUser } from './present';
import { createUserSchema, issuedTokenOut, issueTokenSchema, patchUserSchema, tokenOut, tokenParams, userOut, userParams } from './schemas';

export function userRoutes({ users }: Services) {
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
        return {
          status: 200,
          body: { user: presentUser(principal.user), partner: presentPartner(principal.partner), permissions: users.permissions(principal) },
        };
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
        const found = await users.list(principal.partner._id, { active: query.active === undefined ? undefined : query.active === 'true' }, query);
        return { status: 200, body: { items: found.items.map(presentUser), nextCursor: found.nextCursor } };
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
      problems: ['email-taken', 'role-above-own'],
      async handler({ principal, body, request }) {
        const user = await users.create(principal, body, request);
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
      problems: ['role-required'], // another user, without users:read
      async handler({ principal, params }) {
        return { status: 200, body: presentUser(await users.get(principal, params.userId)) };
      },
    }),
    defineRoute({
      method: 'patch',
      path: '/v1/users/{userId}',
      operationId: 'updateUser',
      summary: "Change a user's name or roles (admins)",
      description: 'The last active global admin cannot be demoted. Nobody grants a role above their own, nor changes a user whose roles are above theirs.',
      tag: 'Users',
      auth: 'partner',
      permission: 'users:manage',
      params: userParams,
      body: patchUserSchema,
      responses: { 200: { description: 'The user after the change', schema: userOut } },
      problems: ['last-global-admin', 'user-inactive', 'role-above-own'],
      async handler({ principal, params, body, request }) {
        return { status: 200, body: presentUser(await users.update(principal, params.userId, body, request)) };
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
      problems: ['last-global-admin', 'user-inactive', 'role-above-own'],
      async handler({ principal, params, request }) {
        return { status: 200, body: presentUser(await users.deactivate(principal, params.userId, request)) };
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
      showsSecret: true,
      responses: { 201: { description: 'Issued', schema: issuedTokenOut } },
      problems: ['user-inactive', 'role-above-own'],
      async handler({ principal, params, body, request }) {
        const { doc, token } = await users.issueToken(principal, params.userId, body, request);
        return { status: 201, headers: { Location: `/v1/users/${doc.userId}/tokens/${doc._id}` }, body: { ...presentToken(doc), token } };
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
        return { status: 200, body: (await users.tokens(principal, params.userId)).map(presentToken) };
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
      async handler({ principal, params, request }) {
        await users.revokeToken(principal, params.userId, params.tokenId, request);
        return { status: 204 };
      },
    }),
  ];
}
