import { z } from 'zod';
import { defineRoute } from '../api/route';
import { cursor, page, pageLimit } from '../api/schemas';
import type { Services } from '../services';
import { presentToken, presentUser } from '../users/present';
import { issuedTokenOut, userOut } from '../users/schemas';
import { presentPartner } from './present';
import { authorisationParams, createPartnerSchema, partnerOut, partnerParams, profilePatchSchema } from './schemas';

/** The platform operator's routes (operator token) and a partner's own profile. */
export function partnerRoutes({ partners }: Services) {
  return [
    defineRoute({
      method: 'post',
      path: '/v1/operator/partners',
      operationId: 'createPartner',
      summary: 'Create a partner with its first global admin',
      description: "The response carries the admin's API token: it is shown this once.",
      tag: 'Operator',
      auth: 'operator',
      body: createPartnerSchema,
      creates: true,
      showsSecret: true,
      responses: {
        201: {
          description: 'Created',
          schema: z.object({ partner: partnerOut, admin: z.object({ user: userOut, token: issuedTokenOut }) }),
        },
      },
      problems: ['email-taken'],
      async handler({ body, request }) {
        const { partner, admin, token } = await partners.create(body, request);
        return {
          status: 201,
          headers: { Location: `/v1/operator/partners/${partner._id}` },
          body: { partner: presentPartner(partner), admin: { user: presentUser(admin), token: { ...presentToken(token.doc), token: token.token } } },
        };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/v1/operator/partners',
      operationId: 'listPartners',
      summary: 'List partners, oldest first',
      tag: 'Operator',
      auth: 'operator',
      query: z.strictObject({ limit: pageLimit, cursor }),
      responses: { 200: { description: 'A page of partners', schema: page(partnerOut) } },
      async handler({ query }) {
        const found = await partners.list(query);
        return { status: 200, body: { items: found.items.map(presentPartner), nextCursor: found.nextCursor } };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/v1/operator/partners/{partnerId}',
      operationId: 'getPartnerAsOperator',
      summary: 'One partner',
      tag: 'Operator',
      auth: 'operator',
      params: partnerParams,
      responses: { 200: { description: 'The partner', schema: partnerOut } },
      async handler({ params }) {
        return { status: 200, body: presentPartner(await partners.find(params.partnerId)) };
      },
    }),
    ...(['put', 'delete'] as const).map((method) =>
      defineRoute({
        method,
        path: '/v1/operator/partners/{partnerId}/authorisations/{authorisation}',
        operationId: method === 'put' ? 'grantAuthorisation' : 'withdrawAuthorisation',
        summary: method === 'put' ? 'Grant an authorisation (idempotent)' : 'Withdraw an authorisation (idempotent)',
        tag: 'Operator',
        auth: 'operator',
        params: authorisationParams,
        responses: { 200: { description: 'The partner after the change', schema: partnerOut } },
        async handler({ params, request }) {
          return { status: 200, body: presentPartner(await partners.setAuthorisation(params.partnerId, params.authorisation, method === 'put', request)) };
        },
      }),
    ),
    defineRoute({
      method: 'get',
      path: '/v1/partner',
      operationId: 'getPartner',
      summary: "The caller's partner: company profile, cloud and authorisations",
      tag: 'Partner',
      auth: 'partner',
      permission: 'profile:read',
      responses: { 200: { description: 'The partner', schema: partnerOut } },
      async handler({ principal }) {
        return { status: 200, body: presentPartner(principal.partner) };
      },
    }),
    defineRoute({
      method: 'patch',
      path: '/v1/partner/profile',
      operationId: 'updateProfile',
      summary: 'Edit the company profile (global admins)',
      tag: 'Partner',
      auth: 'partner',
      permission: 'profile:edit',
      body: profilePatchSchema,
      responses: { 200: { description: 'The partner after the change', schema: partnerOut } },
      async handler({ principal, body, request }) {
        return { status: 200, body: presentPartner(await partners.updateProfile(principal.partner._id, body, request)) };
      },
    }),
  ];
}
