import {
  ApplicationFailure,
  allHandlersFinished,
  condition,
  proxyActivities,
  setHandler,
  upsertSearchAttributes,
} from '@temporalio/workflow';
import type { InvitationActivities } from '../../activities/invitations/activities';
import { persistenceActivityOptions } from '../activity-options';
import { workflowNow, isoNow } from '../clock';
import { LifecycleStage } from '../search-attributes';
import { Stage } from '../stages';
import { InvitationFailure } from './failures';
import { invitationRecordedUpdate, invitationStateQuery, revokeInvitationUpdate } from './messages';
import type { InvitationState, InvitationStatus, TrialInvitationInput } from './types';

const { saveInvitation } = proxyActivities<InvitationActivities>(persistenceActivityOptions);

const stageOf: Record<InvitationStatus, string> = {
  active: Stage.InvitationActive,
  revoked: Stage.InvitationRevoked,
  expired: Stage.InvitationExpired,
};

/**
 * A trial invitation, from creation until it is revoked or expires. Every
 * transition is stored in MongoDB before callers hear about it.
 */
export async function trialInvitationWorkflow(input: TrialInvitationInput): Promise<InvitationState> {
  const createdAt = workflowNow();
  const state: InvitationState = {
    invitationId: input.invitationId,
    partnerId: input.partnerId,
    sku: input.sku,
    code: input.code,
    status: 'active',
    createdBy: input.createdBy,
    createdAt: createdAt.toISOString(),
    expiresAt: new Date(createdAt.getTime() + input.expiresInMs).toISOString(),
    recorded: false,
  };
  let revision = 0;
  const persist = async () => {
    const { recorded: _recorded, ...snapshot } = state;
    await saveInvitation({ ...snapshot, revision: ++revision });
    upsertSearchAttributes([{ key: LifecycleStage, value: stageOf[state.status] }]);
  };
  const refuseUnlessActive = () => {
    if (state.status !== 'active') {
      throw ApplicationFailure.nonRetryable(`invitation ${state.invitationId} is ${state.status}`, InvitationFailure.NotActive, {
        invitationStatus: state.status,
      });
    }
  };

  setHandler(invitationStateQuery, () => state);
  setHandler(invitationRecordedUpdate, async () => {
    await condition(() => state.recorded);
    return state;
  });
  setHandler(
    revokeInvitationUpdate,
    async ({ by }) => {
      await condition(() => state.recorded);
      refuseUnlessActive(); // again: it may have expired while this update waited
      state.status = 'revoked';
      state.revokedAt = isoNow();
      state.revokedBy = by;
      await persist();
      return state;
    },
    { validator: (_request) => refuseUnlessActive() },
  );

  await persist();
  state.recorded = true;

  const msLeft = Math.max(1, Date.parse(state.expiresAt) - workflowNow().getTime());
  const ended = await condition(() => state.status !== 'active', msLeft);
  if (!ended) {
    state.status = 'expired';
    state.expiredAt = isoNow();
    await persist();
  }
  await condition(allHandlersFinished);
  return state;
}
