import { z } from 'zod';
import { WithStartWorkflowOperation, WorkflowNotFoundError } from '@temporalio/client';
import { trialInvitationWorkflow } from '../../workflows';
import { invitationWorkflowId } from '../../workflows/invitations/ids';
import { invitationRecordedUpdate, invitationStateQuery, revokeInvitationUpdate } from '../../workflows/invitations/messages';
import type { InvitationState } from '../../workflows/invitations/types';
import { LifecycleStage, OfferId, PartnerId } from '../../workflows/search-attributes';
import { Stage } from '../../workflows/stages';
import { DEFAULT_GRACE_PERIOD_MS, DEFAULT_REMINDER_OFFSETS_MS } from '../../workflows/durations';
import { withinMs } from '../async';
import type { ApiDeps } from '../api/deps';
import { pageById } from '../api/pagination';
import { notFound, Problem } from '../api/problem';
import { authorize, defineRoute } from '../api/route';
import { toOption } from '../delegated-admin/schemas';
import { page } from '../api/schemas';
import { findService } from '../catalog/routes';
import type { Cloud } from '../partners/model';
import { newLinkCode, newTimeOrderedId } from '../ids';
import type { InvitationDoc, RedemptionDoc } from './model';
import { cursor, pageLimit } from '../api/schemas';
import { createInvitationSchema, invitationOut, invitationParams, listInvitationsQuery, pendingInvitationOut, redemptionOut } from './schemas';
import { findOwned } from '../db/owned';
import { registerLinkCode } from '../links/register';

type StoredInvitation = InvitationDoc & { _id: string };

export function invitationRoutes(deps: ApiDeps) {
  const iso = (v: string | Date | undefined | null) => (v == null ? undefined : new Date(v).toISOString());
  const present = (s: InvitationState | StoredInvitation): z.infer<typeof invitationOut> => {
    const id = 'invitationId' in s ? s.invitationId : s._id;
    return {
      id,
      partnerId: s.partnerId,
      sku: s.sku,
      status: s.status,
      url: `${deps.publicUrl}/i/${s.code}`,
      createdBy: s.createdBy,
      createdAt: iso(s.createdAt)!,
      expiresAt: iso(s.expiresAt)!,
      revokedAt: iso(s.revokedAt),
      revokedBy: s.revokedBy ?? undefined,
      expiredAt: iso(s.expiredAt),
      declines: s.declines ?? 0,
      workflowId: invitationWorkflowId(id),
    };
  };
  const findStored = async (partnerId: string, invitationId: string): Promise<StoredInvitation> => {
    const doc = await findOwned<StoredInvitation>(deps.models.Invitation, invitationId, { partnerId });
    if (!doc) throw notFound(`invitation ${invitationId}`);
    return doc;
  };

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
      async handler({ principal, body }) {
        const partner = principal.partner;
        const service = await findService(deps, body.sku, partner.cloud as Cloud);
        if (!service) throw new Problem('sku-not-available', `${body.sku} is not sold in the ${partner.cloud} cloud`);
        if (!service.trial?.available) throw new Problem('sku-not-available', `${body.sku} offers no trial`);
        const licenses = body.trial.licenses ?? service.trial.licenseCount ?? service.minLicenses;
        if (licenses < service.minLicenses || licenses > service.maxLicenses) {
          throw new Problem('license-count-out-of-bounds', `${body.sku} takes ${service.minLicenses} to ${service.maxLicenses} licenses; asked for ${licenses}`);
        }
        const trial = {
          lengthMs: (body.trial.lengthSeconds ?? (service.trial.lengthDays ?? 30) * 86_400) * 1000,
          licenses,
          reminderOffsetsMs: body.trial.reminderOffsetsSeconds?.map((s) => s * 1000) ?? DEFAULT_REMINDER_OFFSETS_MS,
          gracePeriodMs: body.trial.gracePeriodSeconds !== undefined ? body.trial.gracePeriodSeconds * 1000 : DEFAULT_GRACE_PERIOD_MS,
        };
        if (body.delegatedAdmin) authorize(principal, 'delegated-admin:request');
        const invitationId = newTimeOrderedId('inv');
        const workflowId = invitationWorkflowId(invitationId);
        const code = newLinkCode();
        await registerLinkCode(deps.models, code, 'invitation', invitationId);
        const recorded = deps.temporal.workflow.executeUpdateWithStart(invitationRecordedUpdate, {
          startWorkflowOperation: new WithStartWorkflowOperation(trialInvitationWorkflow, {
            workflowId,
            taskQueue: deps.taskQueue,
            workflowIdConflictPolicy: 'FAIL',
            args: [
              {
                invitationId,
                partnerId: partner._id,
                sku: body.sku,
                code,
                expiresInMs: body.expiresInSeconds * 1000,
                createdBy: principal.user._id,
                trial,
                delegatedAdmin: body.delegatedAdmin ? { ...toOption(body.delegatedAdmin), partnerEmail: partner.profile.email } : undefined,
              },
            ],
            typedSearchAttributes: [
              { key: PartnerId, value: partner._id },
              { key: OfferId, value: invitationId },
              { key: LifecycleStage, value: Stage.InvitationActive },
            ],
          }),
        });
        const location = `/v1/invitations/${invitationId}`;
        const state = await withinMs(recorded, deps.updateWaitMs);
        // Started but not stored yet (MongoDB slow or down): the workflow keeps retrying, nothing is lost.
        if (!state) return { status: 202, headers: { Location: location }, body: { id: invitationId, status: 'pending', workflowId } };
        return { status: 201, headers: { Location: location }, body: present(state) };
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
        const filter = { partnerId: principal.partner._id, ...(query.status ? { status: query.status } : {}) };
        const { items, nextCursor } = await pageById<StoredInvitation>(deps.models.Invitation, filter, { ...query, scope: filter, order: 'newest-first' });
        return { status: 200, body: { items: items.map(present), nextCursor } };
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
        return { status: 200, body: present(await findStored(principal.partner._id, params.invitationId)) };
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
        await findStored(principal.partner._id, params.invitationId);
        const filter = { invitationId: params.invitationId, partnerId: principal.partner._id };
        const { items, nextCursor } = await pageById<RedemptionDoc>(deps.models.Redemption, filter, { ...query, scope: filter, order: 'oldest-first' });
        const customers = await Promise.all(items.map((r) => deps.directory.get(principal.partner._id, r.customerId)));
        return {
          status: 200,
          body: {
            items: items.map((r, i) => ({
              customerId: r.customerId,
              acceptedAt: r.at.toISOString(),
              onboardingWorkflowId: r.onboardingWorkflowId,
              customer: customers[i] ? { name: customers[i]!.name, domain: customers[i]!.domain, status: customers[i]!.status, stage: customers[i]!.stage } : undefined,
            })),
            nextCursor,
          },
        };
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
          schema: z.object({ workflowId: z.string(), runId: z.string(), status: z.string(), startTime: z.string(), closeTime: z.string().optional(), state: invitationOut }),
        },
      },
      async handler({ principal, params }) {
        await findStored(principal.partner._id, params.invitationId);
        const handle = deps.temporal.workflow.getHandle(invitationWorkflowId(params.invitationId));
        const [description, state] = await Promise.all([handle.describe(), handle.query(invitationStateQuery)]);
        return {
          status: 200,
          body: {
            workflowId: handle.workflowId,
            runId: description.runId,
            status: description.status.name,
            startTime: description.startTime.toISOString(),
            closeTime: description.closeTime?.toISOString(),
            state: present(state),
          },
        };
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
      problems: ['invitation-not-active'],
      async handler({ principal, params, audit }) {
        const stored = await findStored(principal.partner._id, params.invitationId);
        let state: InvitationState;
        try {
          state = await deps.temporal.workflow
            .getHandle(invitationWorkflowId(params.invitationId))
            .executeUpdate(revokeInvitationUpdate, { args: [{ by: principal.user._id }] });
        } catch (err) {
          // The workflow has ended (expired or revoked): its stored status says which.
          if (err instanceof WorkflowNotFoundError) {
            throw new Problem('invitation-not-active', `invitation ${params.invitationId} is ${stored.status}`, { invitationStatus: stored.status });
          }
          throw err;
        }
        await audit({ action: 'invitation.revoked', target: { kind: 'invitation', id: params.invitationId } });
        return { status: 200, body: present(state) };
      },
    }),
  ];
}
