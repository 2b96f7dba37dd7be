import { z } from 'zod';
import { defineRoute } from '../api/route';
import { pageById } from '../api/pagination';
import type { ApiDeps } from '../api/deps';
import { cursor, page, pageLimit } from '../api/schemas';
import { presentToken, presentUser } from '../users/present';
import { issuedTokenOut, userOut } from '../users/schemas';
import { presentPartner } from './present';
import { authorisationParams, createPartnerSchema, partnerOut, partnerParams, profilePatchSchema } from './schemas';
import { createPartner, findPartner, setAuthorisation, updateProfile } from './service';
import type { PartnerDoc } from './model';

/** The platform operator's routes (operator token) and a partner's own profile. */
export function partnerRoutes(deps: ApiDeps) {
  const connection = () => deps.models.Partner.db;
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
      responses: {
        201: {
          description: 'Created',
          schema: z.object({ partner: partnerOut, admin: z.object({ user: userOut, token: issuedTokenOut }) }),
        },
      },
      problems: ['email-taken'],
      async handler({ body, audit }) {
        const { partner, admin, token } = await createPartner(deps.models, body);
        await audit({ partnerId: partner._id, action: 'partner.created', target: { kind: 'partner', id: partner._id }, details: { cloud: partner.cloud, authorisations: partner.authorisations, admin: admin.email } });
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
        const { items, nextCursor } = await pageById<PartnerDoc>(deps.models.Partner, {}, { ...query, scope: 'partners', order: 'oldest-first' });
        return { status: 200, body: { items: items.map(presentPartner), nextCursor } };
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
        return { status: 200, body: presentPartner(await findPartner(deps.models, params.partnerId)) };
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
        async handler({ params, audit }) {
          const granted = method === 'put';
          const { after, changed } = await setAuthorisation(connection(), deps.models, params.partnerId, params.authorisation, granted);
          if (changed) {
            await audit({ partnerId: params.partnerId, action: granted ? 'partner.authorisation-granted' : 'partner.authorisation-withdrawn', target: { kind: 'partner', id: params.partnerId }, details: { authorisation: params.authorisation } });
          }
          return { status: 200, body: presentPartner(after) };
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
      async handler({ principal, body, audit }) {
        const { before, after } = await updateProfile(connection(), deps.models, principal.partner._id, body);
        const changed = Object.keys(body).filter((k) => JSON.stringify((before.profile as Record<string, unknown>)[k]) !== JSON.stringify((body as Record<string, unknown>)[k]));
        await audit({ action: 'partner.profile-updated', target: { kind: 'partner', id: principal.partner._id }, details: { fields: changed } });
        return { status: 200, body: presentPartner(after) };
      },
    }),
  ];
}
