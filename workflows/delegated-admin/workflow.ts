import {
  ApplicationFailure,
  allHandlersFinished,
  condition,
  continueAsNew,
  currentUpdateInfo,
  getExternalWorkflowHandle,
  patched,
  proxyActivities,
  setHandler,
  upsertSearchAttributes,
  uuid4,
  workflowInfo,
} from '@temporalio/workflow';
import type { DelegatedAdminActivities } from '../../activities/delegated-admin/activities';
import type { ActingActivities } from '../../activities/acting/activities';
import type { OutboxActivities } from '../../activities/outbox/activities';
import type { TimelineActivities } from '../../activities/timeline/activities';
import { actingActivityOptions, persistenceActivityOptions, slowerPersistenceActivityOptions } from '../activity-options';
import { auditChange, type RequestedBy } from '../audit';
import { isoNow, workflowNow } from '../clock';
import { publish } from '../events/publish';
import { LifecycleStage } from '../search-attributes';
import { relationshipEvent } from './events';
import { DelegatedAdminFailure } from './failures';
import { ROLE_NEEDED, effectiveRole, roleCovers, type ActRequest } from './acting';
import {
  actInCustomerUpdate,
  acceptRelationshipUpdate,
  declineRelationshipUpdate,
  delegatedAdminSettledSignal,
  relationshipRecordedUpdate,
  relationshipStateQuery,
  terminateRelationshipUpdate,
} from './messages';
import { relationshipStage, relationshipWorkflowId } from './start';
import { GRANTING_STATUSES, type DelegatedAdminInput, type RelationshipState, type RelationshipStatus } from './types';

const { saveRelationship, registerRelationshipLink, checkPartnerCertified } = proxyActivities<DelegatedAdminActivities>(persistenceActivityOptions);
const { actInCustomer } = proxyActivities<ActingActivities>(actingActivityOptions);
const { recordStage } = proxyActivities<TimelineActivities>(persistenceActivityOptions);
const { sendEmail } = proxyActivities<OutboxActivities>(slowerPersistenceActivityOptions);

const ENDED: RelationshipStatus[] = ['expired', 'terminated', 'declined', 'lapsed'];

/**
 * A delegated-admin relationship, as the market leader names its states:
 * approval pending (lapses if neither accepted nor declined) → active →
 * expiring (notice sent) → expired, extended by a set period when asked to, or
 * terminated by the customer at any time. Nothing is granted before acceptance;
 * the partner's access lasts exactly while it is active or expiring.
 */
export async function delegatedAdminWorkflow(input: DelegatedAdminInput): Promise<RelationshipState> {
  const { workflowId, runId } = workflowInfo();
  // what this relationship's records are keyed by: its workflow id may name later relationships too
  const key = relationshipWorkflowId(input.relationshipId);
  const carried = input.continued;
  const state: RelationshipState = carried?.state ?? {
    relationshipId: input.relationshipId,
    partnerId: input.partnerId,
    customerId: input.customerId,
    status: input.acceptedAtStart ? 'active' : 'approval-pending',
    requestedAt: isoNow(),
    extensions: 0,
    autoExtend: input.autoExtend,
    durationMs: input.durationMs,
  };
  let revision = carried?.revision ?? 0;
  let step = carried?.step ?? 0;
  /** Acts in the customer running now; the relationship ends only once none is (none lands after its end). */
  let inFlight = 0;
  /** Set when the relationship is about to end: no act starts any more. */
  let closing = false;
  const ended = () => ENDED.includes(state.status);
  const firstRunId = workflowInfo().firstExecutionRunId;
  const persist = async () => {
    await saveRelationship({ ...state, revision: ++revision, workflowId, runId, firstRunId });
    upsertSearchAttributes([{ key: LifecycleStage, value: relationshipStage[state.status] }]);
  };
  const stage = (by: string, detail?: string) =>
    recordStage({
      workflowId,
      key,
      n: ++step,
      partnerId: input.partnerId,
      customerId: input.customerId,
      stage: relationshipStage[state.status],
      at: isoNow(),
      by,
      detail,
    });
  /** The same news to the partner and the customer (`toPartner`: when the partner's copy needs other words). */
  const notify = (kind: string, subject: string, text: string, toPartner?: { subject: string; text: string }) =>
    Promise.all(
      [input.partnerEmail, input.customerEmail].map((to, i) =>
        sendEmail({
          key: `${key}:${kind}:${state.extensions}:${i}`,
          partnerId: input.partnerId,
          customerId: input.customerId,
          to,
          subject: i === 0 && toPartner ? toPartner.subject : subject,
          text: i === 0 && toPartner ? toPartner.text : text,
          kind: `delegated-admin-${kind}`,
          at: isoNow(),
        }),
      ),
    );
  const settle = async (active: boolean) => {
    if (!input.onboardingWorkflowId) return;
    await getExternalWorkflowHandle(input.onboardingWorkflowId)
      .signal(delegatedAdminSettledSignal, { relationshipId: input.relationshipId, active })
      .catch(() => undefined); // the onboarding has ended: nobody waits
  };
  const activate = () => {
    state.status = 'active';
    state.acceptedAt = isoNow();
    state.endsAt = new Date(workflowNow().getTime() + input.durationMs).toISOString();
  };
  const end = (status: RelationshipStatus, by: string) => {
    state.status = status;
    state.endedAt = isoNow();
    state.endedBy = by;
  };
  const refuse = (message: string, type: string) => ApplicationFailure.nonRetryable(message, type, { relationshipStatus: state.status });
  const requirePending = () => {
    if (state.status !== 'approval-pending') throw refuse(`the relationship is ${state.status}, not pending approval`, DelegatedAdminFailure.NotPending);
  };
  const audit = (action: string, requested: RequestedBy | undefined, by: RequestedBy['actor']) =>
    auditChange(
      {
        partnerId: input.partnerId,
        customerId: input.customerId,
        actor: requested?.actor ?? by,
        action: `delegated-admin.${action}`,
        target: action === 'requested' ? { kind: 'customer', id: input.customerId } : { kind: 'relationship', id: input.relationshipId },
        requestId: requested?.requestId,
        details: action === 'requested' ? { relationshipId: input.relationshipId } : undefined,
      },
      key,
    );
  const customer = { kind: 'customer', id: input.customerId } as const;
  let recorded = carried !== undefined;

  setHandler(relationshipStateQuery, () => state);
  setHandler(relationshipRecordedUpdate, async () => {
    await condition(() => recorded);
    return state;
  });
  setHandler(
    acceptRelationshipUpdate,
    async ({ by, requested }) => {
      await condition(() => recorded);
      requirePending();
      if (patched('accept-needs-certified-partner')) await checkPartnerCertified(input.partnerId);
      requirePending(); // answered otherwise while the check ran
      activate();
      const accepted = relationshipEvent('delegated-admin.accepted', state); // as it is now: the customer may end it while this is stored
      await persist();
      await audit('accepted', requested, customer);
      await stage(by, `until ${state.endsAt}`);
      await notify('active', 'Delegated administration is active', `Your partner may now administer your tenant until ${state.endsAt}.`);
      await publish(accepted);
      await settle(true);
      return state;
    },
    { validator: (_r) => requirePending() },
  );
  setHandler(
    declineRelationshipUpdate,
    async ({ by, requested }) => {
      await condition(() => recorded);
      requirePending();
      end('declined', by);
      await persist();
      await audit('declined', requested, customer);
      await stage(by);
      await settle(false);
      return state;
    },
    { validator: (_r) => requirePending() },
  );
  const requireOpen = () => {
    if (ended()) throw refuse(`the relationship has ended (${state.status})`, DelegatedAdminFailure.NotActive);
  };
  setHandler(
    terminateRelationshipUpdate,
    async ({ by, requested }) => {
      await condition(() => recorded);
      requireOpen();
      const wasPending = state.status === 'approval-pending';
      await drain();
      requireOpen(); // it expired while the last acts finished
      const previousStatus = state.status;
      end('terminated', by);
      const reason = by === 'customer' ? 'terminated-by-customer' : 'terminated-by-partner';
      const endedEvent = relationshipEvent('delegated-admin.ended', state, { reason, previousStatus });
      await persist();
      await audit('terminated', requested, customer);
      await stage(by);
      await notify('terminated', 'Delegated administration has ended', 'The customer ended the relationship: the partner can no longer act in its tenant.');
      await publish(endedEvent);
      if (wasPending) await settle(false);
      return state;
    },
    { validator: (_r) => requireOpen() },
  );

  /** Refuses unless the partner user may act now: the relationship grants it, and its role covers the action. */
  const requireActing = ({ action, userRole }: ActRequest) => {
    const expired = state.endsAt !== undefined && !state.autoExtend && workflowNow().getTime() >= Date.parse(state.endsAt);
    if (closing || expired || !(GRANTING_STATUSES as readonly RelationshipStatus[]).includes(state.status)) {
      throw refuse(
        `acting in customer ${input.customerId} needs an active delegated-admin relationship; relationship ${input.relationshipId} is ${closing || expired ? 'ending' : state.status}`,
        DelegatedAdminFailure.NotGranting,
      );
    }
    const role = effectiveRole(userRole, state.role);
    const needed = ROLE_NEEDED[action.kind];
    if (!roleCovers(role, needed)) {
      throw ApplicationFailure.nonRetryable(
        `${action.kind} needs the ${needed} customer role; you act with ${role} (your own role, at most the relationship's ${state.role ?? 'full'})`,
        DelegatedAdminFailure.RoleTooLow,
        { role, needed },
      );
    }
    return role as 'full' | 'limited';
  };
  setHandler(
    actInCustomerUpdate,
    async (request) => {
      const role = requireActing(request); // again: an end may have begun since the validator ran
      inFlight++;
      try {
        return await actInCustomer({
          action: request.action,
          partnerId: input.partnerId,
          customerId: input.customerId,
          relationshipId: input.relationshipId,
          role,
          userId: request.userId,
          requested: request.requested,
          key: `${key}|${currentUpdateInfo()?.id ?? uuid4()}`,
          at: isoNow(),
        });
      } finally {
        inFlight--;
      }
    },
    { validator: (request) => void requireActing(request) },
  );
  /** No act starts any more; waits for those running to finish (each is an activity, retried until done). */
  const drain = async () => {
    closing = true;
    await condition(() => inFlight === 0);
  };

  const msUntil = (iso: string) => Math.max(1, Date.parse(iso) - workflowNow().getTime());
  if (!carried) {
    if (state.status === 'active') activate();
    // The customer answers at a link of its own (relationships started before links had none).
    let url: string | undefined;
    if (patched('delegated-admin-link')) {
      state.code = input.code ?? uuid4().replace(/-/g, '');
      state.role = input.role ?? 'full';
      state.extensionMs = input.extensionMs;
      if (state.status === 'approval-pending') state.lapsesAt = new Date(Date.parse(state.requestedAt) + input.approvalTimeoutMs).toISOString();
      url = await registerRelationshipLink({ code: state.code, relationshipId: input.relationshipId });
    }
    await persist();
    if (input.requested) await audit('requested', input.requested, { kind: 'partner-user', id: input.requestedBy });
    // before any answer can follow it; keyed by the relationship (a partner's own requests are runs of one workflow id)
    if (input.acceptedAtStart) await publish(relationshipEvent('delegated-admin.accepted', state), key);
    recorded = true;
    await stage(input.requestedBy, state.status === 'active' ? `agreed with the purchase, until ${state.endsAt}` : undefined);
    // The request is told to the customer even when it answered before this point (flows from before this did not tell it then).
    const toldEvenIfAnswered = patched('requested-mail-even-if-answered');
    const asked = toldEvenIfAnswered ? !input.acceptedAtStart : state.status === 'approval-pending';
    if (asked)
      await notify(
        'requested',
        'Your partner asks for delegated administration',
        url ? `See what it asks for, and accept or decline it, at ${url}` : 'Accept or decline it in your customer portal.',
        url
          ? {
              subject: 'Your delegated-administration request was sent',
              text: `The customer was asked by e-mail; it answers at ${url} (a page that needs its customer token to answer). You will hear when it does.`,
            }
          : undefined,
      );
    if (state.status === 'approval-pending') {
      if (!(await condition(() => state.status !== 'approval-pending', input.approvalTimeoutMs))) {
        end('lapsed', 'system');
        await persist();
        await stage('system', 'neither accepted nor declined in time');
        await settle(false);
      }
    } else if (!toldEvenIfAnswered || input.acceptedAtStart) {
      await settle(true); // an answer that came meanwhile has settled it already (a decline too)
    }
  } else {
    await persist(); // this run's id, where the API finds it
  }

  /** History long enough to start afresh: carried into a new run once no handler is running (acts add events all along). */
  const historyLong = () => workflowInfo().continueAsNewSuggested || workflowInfo().historyLength > (input.maxHistoryEvents ?? 10_000);
  /** Waits until `iso`; true when the relationship ended meanwhile. Continues as new on the way when its history grows long. */
  const endedBefore = async (iso: string): Promise<boolean> => {
    if (!(await condition(() => ended() || historyLong(), msUntil(iso)))) return false;
    if (!ended()) await condition(allHandlersFinished);
    if (ended()) return true;
    return continueAsNew<typeof delegatedAdminWorkflow>({ ...input, continued: { state, revision, step } });
  };

  while (!ended()) {
    // wait for the notice, then for the end; the customer may terminate at any point
    if (state.status === 'active') {
      if (await endedBefore(new Date(Date.parse(state.endsAt!) - input.noticeMs).toISOString())) break;
      state.status = 'expiring';
      await persist();
      await stage('system', `ends at ${state.endsAt}${state.autoExtend ? ', then extends' : ''}`);
      await notify('expiring', 'Delegated administration ends soon', `It ends at ${state.endsAt}${state.autoExtend ? ' and will be extended' : ''}.`);
    }
    if (await endedBefore(state.endsAt!)) break;
    if (state.autoExtend) {
      state.status = 'active';
      state.extensions++;
      state.endsAt = new Date(Date.parse(state.endsAt!) + input.extensionMs).toISOString();
      await persist();
      await stage('system', `extended until ${state.endsAt}`);
      continue;
    }
    await drain();
    if (ended()) break; // the customer ended it while the last acts finished
    const previousStatus = state.status;
    end('expired', 'system');
    await persist();
    await stage('system');
    await notify('expired', 'Delegated administration has expired', 'The partner can no longer act in the tenant.');
    await publish(relationshipEvent('delegated-admin.ended', state, { reason: 'expired', previousStatus }), key);
  }
  await condition(allHandlersFinished);
  return state;
}
