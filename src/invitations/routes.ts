import { z } from 'zod';
import { defineRoute } from '../api/route';
import { cursor, page, pageLimit } from '../api/schemas';
import type { Services } from '../services';
import {
  createInvitationSchema,
  invitationOut,
  inviteRecipientsSchema,
  invitationParams,
  listInvitationsQuery,
  pendingInvitationOut,
  redemptionOut,
} from './schemas';

export function invitationRoutes({ invitations }: Services) {
  return [
    defineRoute({
      method: 'post',
      path: '/v1/invitations',
      operationId: 'createInvitation',
      summary: 'Create a trial invitation (subscription advisors; customer role full or limited)',
      description:
        'Starts the invitation workflow and answers once the invitation is stored (201). If storing takes longer than a few ' +
        'seconds (MongoDB slow or down) the answer is 202: the workflow keeps going and the invitation appears at its Location.',
      tag: 'Invitations',
      auth: 'partner',
      permission: 'invitations:send',
      body: createInvitationSchema,
      creates: true,
      responses: {
        201: { description: 'Created and stored', schema: invitationOut },
        202: { description: 'Started; stored shortly', schema: pendingInvitationOut },
      },
      problems: ['sku-not-available', 'license-count-out-of-bounds'],
      async handler({ principal, body, request }) {
        const created = await invitations.create(principal, body, request);
        if (!created.stored) {
          return {
            status: 202,
            headers: { Location: `/v1/invitations/${created.id}` },
            body: { id: created.id, status: 'pending', workflowId: created.workflowId },
          };
        }
        return { status: 201, headers: { Location: `/v1/invitations/${created.invitation.id}` }, body: created.invitation };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/v1/invitations',
      operationId: 'listInvitations',
      summary: "The partner's invitations, newest first",
      tag: 'Invitations',
      auth: 'partner',
      permission: 'invitations:read',
      query: listInvitationsQuery,
      responses: { 200: { description: 'A page of invitations', schema: page(invitationOut) } },
      problems: ['invalid-cursor'],
      async handler({ principal, query }) {
        return { status: 200, body: await invitations.list(principal.partner._id, { status: query.status }, query) };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/v1/invitations/{invitationId}',
      operationId: 'getInvitation',
      summary: 'One invitation',
      tag: 'Invitations',
      auth: 'partner',
      permission: 'invitations:read',
      params: invitationParams,
      responses: { 200: { description: 'The invitation', schema: invitationOut } },
      async handler({ principal, params }) {
        return { status: 200, body: await invitations.get(principal.partner._id, params.invitationId) };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/v1/invitations/{invitationId}/redemptions',
      operationId: 'listRedemptions',
      summary: 'Who accepted an invitation, and where each of those customers now stands',
      tag: 'Invitations',
      auth: 'partner',
      permission: 'invitations:read',
      params: invitationParams,
      query: z.strictObject({ limit: pageLimit, cursor }),
      responses: { 200: { description: 'A page of redemptions, in the order the customers arrived', schema: page(redemptionOut) } },
      async handler({ principal, params, query }) {
        return { status: 200, body: await invitations.redemptions(principal.partner._id, params.invitationId, query) };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/v1/invitations/{invitationId}/workflow',
      operationId: 'getInvitationWorkflow',
      summary: 'The workflow behind an invitation: run status and its state query',
      tag: 'Invitations',
      auth: 'partner',
      permission: 'invitations:read',
      params: invitationParams,
      responses: {
        200: {
          description: 'The workflow',
          schema: z.object({
            workflowId: z.string(),
            runId: z.string(),
            status: z.string(),
            startTime: z.string(),
            closeTime: z.string().optional(),
            state: invitationOut,
          }),
        },
      },
      async handler({ principal, params }) {
        return { status: 200, body: await invitations.workflow(principal.partner._id, params.invitationId) };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/v1/invitations/{invitationId}/recipients',
      operationId: 'inviteRecipients',
      summary: 'E-mail the invitation’s link to more people',
      description: 'Each address gets one e-mail from this invitation, however often it is asked for; the e-mails are in the outbox.',
      tag: 'Invitations',
      auth: 'partner',
      permission: 'invitations:send',
      params: invitationParams,
      body: inviteRecipientsSchema,
      responses: { 200: { description: 'The invitation, with the number of e-mails sent', schema: invitationOut } },
      problems: ['invitation-not-active', 'change-in-progress'],
      async handler({ principal, params, body, request }) {
        return { status: 200, body: await invitations.sendTo(principal, params.invitationId, body.recipients, request) };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/v1/invitations/{invitationId}/revoke',
      operationId: 'revokeInvitation',
      summary: 'Revoke an active invitation',
      tag: 'Invitations',
      auth: 'partner',
      permission: 'invitations:send',
      params: invitationParams,
      responses: { 200: { description: 'The revoked invitation', schema: invitationOut } },
      problems: ['invitation-not-active', 'change-in-progress'],
      async handler({ principal, params, request }) {
        return { status: 200, body: await invitations.revoke(principal, params.invitationId, request) };
      },
    }),
  ];
}
