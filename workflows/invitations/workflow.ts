import {
  ApplicationFailure,
  allHandlersFinished,
  condition,
  continueAsNew,
  proxyActivities,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { InvitationActivities } from '../../activities/invitations/activities';
import { persistenceActivityOptions } from '../activity-options';
import { auditChange, auditEntry, type RequestedBy } from '../audit';
import { workflowNow, isoNow } from '../clock';
import { publish } from '../events/publish';
import { onboardCustomer } from '../onboarding/join';
import { LifecycleStage } from '../search-attributes';
import { Stage } from '../stages';
import { delegatedAdminNotOffered } from '../delegated-admin/failures';
import { invitationAccepted } from './events';
import { InvitationFailure } from './failures';
import {
  acceptInvitationUpdate,
  declineInvitationUpdate,
  invitationRecordedUpdate,
  invitationStateQuery,
  inviteRecipientsUpdate,
  revokeInvitationUpdate,
} from './messages';
import type { InvitationState, InvitationStatus, TrialInvitationInput } from './types';
import type { FunnelActivities } from '../../activities/funnel/activities';
import type { OutboxActivities } from '../../activities/outbox/activities';
import type { DelegatedAdminOption } from '../delegated-admin/types';

const withoutPartnerEmail = ({ partnerEmail: _partnerEmail, ...option }: DelegatedAdminOption & { partnerEmail: string }): DelegatedAdminOption => option;

const { saveInvitation, recordRedemption } = proxyActivities<InvitationActivities>(persistenceActivityOptions);
const { sendEmail } = proxyActivities<OutboxActivities>(persistenceActivityOptions);
const { countInFunnel } = proxyActivities<FunnelActivities>(persistenceActivityOptions);

const stageOf: Record<InvitationStatus, Stage> = {
  active: Stage.InvitationActive,
  revoked: Stage.InvitationRevoked,
  expired: Stage.InvitationExpired,
};

/**
 * A trial invitation, from creation until it is revoked or expires. Every
 * transition is stored in MongoDB before callers hear about it. Each customer
 * who accepts it (one link, one or many customers) gets its own onboarding.
 */
export async function trialInvitationWorkflow(input: TrialInvitationInput): Promise<InvitationState> {
  const createdAt = workflowNow();
  const state: InvitationState = input.carried?.state ?? {
    invitationId: input.invitationId,
    partnerId: input.partnerId,
    sku: input.sku,
    code: input.code,
    status: 'active',
    createdBy: input.createdBy,
    createdAt: createdAt.toISOString(),
    expiresAt: new Date(createdAt.getTime() + input.expiresInMs).toISOString(),
    trial: input.trial,
    recorded: false,
    redemptions: 0,
    ...(input.delegatedAdmin ? { delegatedAdmin: withoutPartnerEmail(input.delegatedAdmin) } : {}),
  };
  // Continued runs keep counting revisions from where the stored document is.
  let revision = input.carried?.revision ?? 0;
  const persist = async () => {
    const { recorded: _recorded, redemptions: _redemptions, ...snapshot } = state;
    await saveInvitation({ ...snapshot, revision: ++revision });
    upsertSearchAttributes([{ key: LifecycleStage, value: stageOf[state.status] }]);
  };
  const audit = (
    action: string,
    requested: RequestedBy | undefined,
    by: RequestedBy['actor'],
    target: { kind: string; id: string },
    details?: Record<string, unknown>,
  ) => auditChange({ partnerId: state.partnerId, actor: requested?.actor ?? by, action, target, requestId: requested?.requestId, details });
  const self = { kind: 'invitation', id: input.invitationId };
  const refuseUnlessActive = () => {
    if (state.status !== 'active') {
      throw ApplicationFailure.nonRetryable(`invitation ${state.invitationId} is ${state.status}`, InvitationFailure.NotActive, {
        invitationStatus: state.status,
      });
    }
  };

  /** Each address gets one e-mail from this invitation (keyed by it), and counts as invited in the partner's funnel. */
  const emailLink = async (recipients: string[]) => {
    const fresh = [...new Set(recipients.map((r) => r.toLowerCase()))];
    const at = isoNow();
    const expires = state.expiresAt.slice(0, 10);
    await Promise.all(
      fresh.map((to) =>
        sendEmail({
          key: `${input.invitationId}:invite:${to}`,
          partnerId: state.partnerId,
          to,
          subject: `${input.from?.name ?? 'Your partner'} invites you to a free trial`,
          text: `${input.from?.name ?? 'Your partner'} invites you to try ${state.sku} for free. See the trial and start it at ${input.url} (open until ${expires}).`,
          kind: 'invitation',
          at,
        }),
      ),
    );
    await countInFunnel(fresh.map((member) => ({ partnerId: state.partnerId, step: 'invited' as const, member, at })));
    state.invited = (state.invited ?? 0) + fresh.length;
    await persist();
  };

  setHandler(invitationStateQuery, () => state);
  setHandler(
    inviteRecipientsUpdate,
    async ({ recipients, requested }) => {
      await condition(() => state.recorded);
      refuseUnlessActive();
      await emailLink(recipients);
      await audit('invitation.sent', requested, { kind: 'partner-user', id: state.createdBy }, self, { recipients: recipients.length });
      return state;
    },
    { validator: (_request) => refuseUnlessActive() },
  );
  setHandler(invitationRecordedUpdate, async () => {
    await condition(() => state.recorded);
    return state;
  });
  setHandler(
    revokeInvitationUpdate,
    async ({ by, requested }) => {
      await condition(() => state.recorded);
      refuseUnlessActive(); // again: it may have expired while this update waited
      state.status = 'revoked';
      state.revokedAt = isoNow();
      state.revokedBy = by;
      await persist();
      await audit('invitation.revoked', requested, { kind: 'partner-user', id: by }, self);
      return state;
    },
    { validator: (_request) => refuseUnlessActive() },
  );
  setHandler(
    declineInvitationUpdate,
    async ({ by, requested }) => {
      await condition(() => state.recorded);
      refuseUnlessActive();
      state.declines = (state.declines ?? 0) + 1;
      await persist();
      await audit('invitation.declined', requested, by === 'anonymous' ? { kind: 'system', id: 'anonymous' } : { kind: 'customer', id: by }, self);
      return state;
    },
    { validator: (_request) => refuseUnlessActive() },
  );
  setHandler(
    acceptInvitationUpdate,
    async ({ customer, subscriptionId, delegatedAdmin, requested }) => {
      await condition(() => state.recorded);
      refuseUnlessActive();
      const {
        customer: registered,
        workflowId,
        started,
      } = await onboardCustomer(state.partnerId, customer, {
        invitationId: state.invitationId,
        trial: { subscriptionId, sku: state.sku, licenses: state.trial.licenses, lengthMs: state.trial.lengthMs },
        reminderOffsetsMs: state.trial.reminderOffsetsMs,
        gracePeriodMs: state.trial.gracePeriodMs,
        delegatedAdmin:
          input.delegatedAdmin && delegatedAdmin
            ? { ...input.delegatedAdmin, relationshipId: delegatedAdmin.relationshipId, agreed: delegatedAdmin.agreed }
            : undefined,
      }); // already onboarding with this partner (not started): the same customer accepting again changes nothing
      const accepter = { kind: 'customer', id: registered.customerId } as const;
      // The acceptance's audit entry is written with the redemption, by the same activity.
      await recordRedemption({
        invitationId: state.invitationId,
        partnerId: state.partnerId,
        customerId: registered.customerId,
        onboardingWorkflowId: workflowId,
        at: isoNow(),
        audit: auditEntry({
          partnerId: state.partnerId,
          actor: accepter,
          action: 'invitation.accepted',
          target: accepter,
          requestId: requested?.requestId,
          details: { invitationId: state.invitationId, created: registered.created, started },
        }),
      });
      state.redemptions++;
      // an acceptance that started nothing (the customer was onboarding with the partner already) is no news
      if (started) await publish(invitationAccepted(state, registered, { subscriptionId, delegatedAdmin }));
      return {
        customerId: registered.customerId,
        created: registered.created,
        onboardingWorkflowId: workflowId,
        started,
        subscriptionId: started ? subscriptionId : undefined,
      };
    },
    {
      validator: ({ delegatedAdmin }) => {
        refuseUnlessActive();
        if (delegatedAdmin?.agreed && !input.delegatedAdmin) throw delegatedAdminNotOffered();
      },
    },
  );

  if (!input.carried) {
    await persist();
    await audit('invitation.created', input.requested, { kind: 'partner-user', id: input.createdBy }, self, { sku: input.sku });
    state.recorded = true;
    if (input.recipients?.length) await emailLink(input.recipients);
  }

  const msLeft = Math.max(1, Date.parse(state.expiresAt) - workflowNow().getTime());
  const ended = await condition(() => state.status !== 'active' || workflowInfo().continueAsNewSuggested, msLeft);
  if (state.status === 'active' && workflowInfo().continueAsNewSuggested) {
    // Many acceptances: start a fresh history with the same state.
    await condition(allHandlersFinished);
    await continueAsNew<typeof trialInvitationWorkflow>({ ...input, carried: { state, revision } });
  }
  if (!ended) {
    state.status = 'expired';
    state.expiredAt = isoNow();
    await persist();
  }
  await condition(allHandlersFinished);
  return state;
}
