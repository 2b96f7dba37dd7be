import { Router } from 'express';
import { WithStartWorkflowOperation, WorkflowNotFoundError } from '@temporalio/client';
import { trialInvitationWorkflow } from '../../workflows';
import { InvitationFailure } from '../../workflows/invitations/failures';
import { invitationWorkflowId } from '../../workflows/invitations/ids';
import { invitationRecordedUpdate, invitationStateQuery, revokeInvitationUpdate } from '../../workflows/invitations/messages';
import type { InvitationState } from '../../workflows/invitations/types';
import { OfferId, PartnerId, LifecycleStage } from '../../workflows/search-attributes';
import { Stage } from '../../workflows/stages';
import type { ApiDeps } from '../api/deps';
import { withinMs } from '../async';
import { problemFor } from '../api/business-problems';
import { notFound } from '../api/problem';
import { parse } from '../api/validate';
import { newId, newLinkCode } from '../ids';
import type { InvitationDoc } from './model';
import { createInvitationSchema, invitationPathSchema } from './schemas';

type StoredInvitation = InvitationDoc & { _id: string };

export function invitationRoutes(deps: ApiDeps): Router {
  const router = Router();
  const base = '/v1/partners/:partnerId/invitations';

  const linkOf = (code: string) => `${deps.publicUrl}/i/${code}`;
  const present = (s: InvitationState | StoredInvitation) => {
    const id = 'invitationId' in s ? s.invitationId : s._id;
    const iso = (v: string | Date | undefined | null) => (v == null ? undefined : new Date(v).toISOString());
    return {
      id,
      partnerId: s.partnerId,
      sku: s.sku,
      status: s.status,
      url: linkOf(s.code),
      createdBy: s.createdBy,
      createdAt: iso(s.createdAt),
      expiresAt: iso(s.expiresAt),
      revokedAt: iso(s.revokedAt),
      revokedBy: s.revokedBy ?? undefined,
      expiredAt: iso(s.expiredAt),
      workflowId: invitationWorkflowId(id),
    };
  };

  const findStored = async (partnerId: string, invitationId: string): Promise<StoredInvitation> => {
    const doc = await deps.models.Invitation.findOne({ _id: invitationId, partnerId }).lean<StoredInvitation>();
    if (!doc) throw notFound(`invitation ${invitationId}`);
    return doc;
  };

  router.post(base, async (req, res) => {
    const { partnerId } = parse(invitationPathSchema, req.params, 'path');
    const body = parse(createInvitationSchema, req.body, 'body');
    const invitationId = newId('inv');
    const workflowId = invitationWorkflowId(invitationId);
    const recorded = deps.temporal.workflow.executeUpdateWithStart(invitationRecordedUpdate, {
      startWorkflowOperation: new WithStartWorkflowOperation(trialInvitationWorkflow, {
        workflowId,
        taskQueue: deps.taskQueue,
        workflowIdConflictPolicy: 'FAIL',
        args: [
          {
            invitationId,
            partnerId,
            sku: body.sku,
            code: newLinkCode(),
            expiresInMs: body.expiresInSeconds * 1000,
            createdBy: 'api',
          },
        ],
        typedSearchAttributes: [
          { key: PartnerId, value: partnerId },
          { key: OfferId, value: invitationId },
          { key: LifecycleStage, value: Stage.InvitationActive },
        ],
      }),
    });
    const location = `/v1/partners/${partnerId}/invitations/${invitationId}`;
    const state = await withinMs(recorded, deps.updateWaitMs);
    if (!state) {
      // Started, but not stored yet (MongoDB slow or down): the workflow keeps
      // retrying, nothing is lost, and the invitation appears at its location.
      res.status(202).location(location).json({ id: invitationId, status: 'pending', workflowId });
      return;
    }
    res.status(201).location(location).json(present(state));
  });

  router.get(`${base}/:invitationId`, async (req, res) => {
    const { partnerId, invitationId } = parse(invitationPathSchema.required(), req.params, 'path');
    res.json(present(await findStored(partnerId, invitationId)));
  });

  // The live workflow behind an invitation: its run status and its `state` query.
  router.get(`${base}/:invitationId/workflow`, async (req, res) => {
    const { partnerId, invitationId } = parse(invitationPathSchema.required(), req.params, 'path');
    await findStored(partnerId, invitationId);
    const handle = deps.temporal.workflow.getHandle(invitationWorkflowId(invitationId));
    const [description, state] = await Promise.all([handle.describe(), handle.query(invitationStateQuery)]);
    res.json({
      workflowId: handle.workflowId,
      runId: description.runId,
      status: description.status.name,
      startTime: description.startTime.toISOString(),
      closeTime: description.closeTime?.toISOString(),
      state: present(state),
    });
  });

  router.post(`${base}/:invitationId/revoke`, async (req, res) => {
    const { partnerId, invitationId } = parse(invitationPathSchema.required(), req.params, 'path');
    const stored = await findStored(partnerId, invitationId);
    try {
      const state = await deps.temporal.workflow
        .getHandle(invitationWorkflowId(invitationId))
        .executeUpdate(revokeInvitationUpdate, { args: [{ by: 'api' }] });
      res.json(present(state));
    } catch (err) {
      // The workflow has ended (expired or revoked): its stored status says which.
      if (err instanceof WorkflowNotFoundError) {
        throw problemFor(InvitationFailure.NotActive, `invitation ${invitationId} is ${stored.status}`, { invitationStatus: stored.status });
      }
      throw err;
    }
  });

  return router;
}
