import {
  ApplicationFailure,
  ParentClosePolicy,
  allHandlersFinished,
  condition,
  getExternalWorkflowHandle,
  patched,
  proxyActivities,
  setHandler,
  startChild,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import type { CustomerPublishingActivities } from '../../activities/customer-directory/publish';
import type { OfferActivities } from '../../activities/offers/activities';
import type { OutboxActivities } from '../../activities/outbox/activities';
import type { SubscriptionActivities, SubscriptionSnapshot } from '../../activities/subscriptions/activities';
import type { TimelineActivities } from '../../activities/timeline/activities';
import { persistenceActivityOptions, slowerPersistenceActivityOptions } from '../activity-options';
import { auditChange } from '../audit';
import { isoNow, workflowNow } from '../clock';
import type { DirectoryEntry } from '../customer-directory/types';
import { delegatedAdminSettledSignal } from '../delegated-admin/messages';
import { delegatedAdminStart } from '../delegated-admin/start';
import type { DelegatedAdminChoice } from '../delegated-admin/types';
import { delegatedAdminWorkflow } from '../delegated-admin/workflow';
import { DAY_MS } from '../durations';
import { publish as publishEvent } from '../events/publish';
import { supersedeOfferSignal } from '../offers/messages';
import { offerWorkflowId } from '../offers/start';
import type { OfferSent, PurchaseResult } from '../offers/types';
import { LifecycleStage } from '../search-attributes';
import { Stage } from '../stages';
import { subscriptionStart } from '../subscriptions/start';
import { subscriptionWorkflow } from '../subscriptions/workflow';
import { trialEvent, trialStep } from './events';
import { OnboardingFailure } from './failures';
import { cancelTrialUpdate, offerSentUpdate, onboardingStateQuery, purchaseUpdate } from './messages';
import type { CancelTrialRequest, OnboardingInput, OnboardingState } from './types';

const { recordStage } = proxyActivities<TimelineActivities>(persistenceActivityOptions);
const { saveSubscription } = proxyActivities<SubscriptionActivities>(persistenceActivityOptions);
const { publishCustomer } = proxyActivities<CustomerPublishingActivities>(persistenceActivityOptions);
const { sendEmail } = proxyActivities<OutboxActivities>(slowerPersistenceActivityOptions);
const { findOpenOffers } = proxyActivities<OfferActivities>(persistenceActivityOptions);

/**
 * One customer's way with one partner, the chain offerflow is named for:
 * trial active → reminders before the trial ends → purchase offer accepted
 * (the trial converts; a newer offer supersedes an older one) → onboarded; or
 * trial expired → suspended → removed after the grace period. Every stage is
 * stored (timeline, subscription, the partner's customer directory) and shown
 * to operators as the LifecycleStage search attribute.
 */
export async function onboardingWorkflow(input: OnboardingInput): Promise<OnboardingState> {
  const workflowId = workflowInfo().workflowId;
  const started = workflowNow().getTime();
  const trialInput = input.trial;
  const state: OnboardingState = {
    partnerId: input.partnerId,
    customerId: input.customerId,
    stage: trialInput ? Stage.TrialActive : input.productKey ? Stage.KeyRedeemed : Stage.OfferSent,
    trialEndsAt: trialInput && new Date(started + trialInput.lengthMs).toISOString(),
    subscriptionIds: trialInput ? [trialInput.subscriptionId] : [],
    remindersSent: 0,
    timeline: [],
  };
  const skus = new Set(trialInput ? [trialInput.sku] : []);
  let directoryStatus: DirectoryEntry['status'] = 'trial';
  const purchases = new Map<string, PurchaseResult>();
  // Declared before any handler: a replay hands buffered updates to their validators inside setHandler.
  let cancelRequest: CancelTrialRequest | undefined;
  let cancelStored = false;
  setHandler(onboardingStateQuery, () => state);

  // a customer that joins through a published offer may have onboarded with the partner before, under the same workflow id
  const origin = input.productKey ? `product key ${input.productKey}` : `offer ${input.offerId}`;
  const timelineKey = trialInput ? undefined : `${workflowId}@${input.productKey ?? input.offerId}`;
  const enter = async (stage: Stage, by: string, detail?: string) => {
    const at = isoNow();
    state.stage = stage;
    state.timeline.push({ stage, at, by, detail });
    await recordStage({
      workflowId,
      key: timelineKey,
      n: state.timeline.length,
      partnerId: input.partnerId,
      customerId: input.customerId,
      stage,
      at,
      by,
      detail,
    });
    upsertSearchAttributes([{ key: LifecycleStage, value: stage }]);
  };
  const trial: SubscriptionSnapshot | undefined = trialInput && {
    subscriptionId: trialInput.subscriptionId,
    customerId: input.customerId,
    partnerId: input.partnerId,
    sku: trialInput.sku,
    status: 'trial',
    licenses: trialInput.licenses,
    trialEndsAt: state.trialEndsAt,
    createdAt: isoNow(),
    updatedAt: isoNow(),
    revision: 0,
  };
  let trialConverted = false;
  const saveTrial = async (t: SubscriptionSnapshot, changes: Partial<SubscriptionSnapshot>) => {
    Object.assign(t, changes, { updatedAt: isoNow(), revision: t.revision + 1 });
    await saveSubscription({ ...t });
  };
  const publish = (status: DirectoryEntry['status']) => {
    directoryStatus = status;
    return publishCustomer({
      partnerId: input.partnerId,
      customerId: input.customerId,
      name: input.customer.name,
      domain: input.customer.domain,
      cloud: input.customer.cloud,
      status,
      stage: state.stage,
      skus: [...skus],
      at: isoNow(),
    });
  };
  const email = (kind: string, subject: string, text: string) =>
    sendEmail({
      key: `${workflowId}:${kind}`,
      partnerId: input.partnerId,
      customerId: input.customerId,
      to: input.customer.contactEmail,
      subject,
      text,
      kind,
      at: isoNow(),
    });
  const msUntil = (t: number) => Math.max(1, t - workflowNow().getTime());
  const ended = () => state.stage === Stage.Removed || state.stage === Stage.Cancelled;

  // Delegated administration asked for with the trial or an offer: the relationship is a workflow of
  // its own (it outlives this one); onboarded waits until the customer has settled it.
  setHandler(delegatedAdminSettledSignal, ({ relationshipId, active }) => {
    if (state.delegatedAdmin?.relationshipId === relationshipId) state.delegatedAdmin.status = active ? 'active' : 'not-granted';
  });
  const askDelegatedAdmin = async (choice: DelegatedAdminChoice, by: string, offerId?: string) => {
    if (state.delegatedAdmin && state.delegatedAdmin.status !== 'not-granted') return; // one at a time
    state.delegatedAdmin = { relationshipId: choice.relationshipId, status: choice.agreed ? 'active' : 'pending' };
    const relationship = delegatedAdminStart(
      {
        relationshipId: choice.relationshipId,
        partnerId: input.partnerId,
        partnerEmail: choice.partnerEmail,
        customerId: input.customerId,
        customerEmail: input.customer.contactEmail,
        durationMs: choice.durationMs,
        autoExtend: choice.autoExtend,
        extensionMs: choice.extensionMs,
        approvalTimeoutMs: choice.approvalTimeoutMs,
        noticeMs: choice.noticeMs,
        acceptedAtStart: choice.agreed,
        ...(choice.role ? { role: choice.role } : {}),
        onboardingWorkflowId: workflowId,
        requestedBy: by,
      },
      undefined,
      offerId,
    );
    await startChild(delegatedAdminWorkflow, { ...relationship, parentClosePolicy: ParentClosePolicy.ABANDON }).catch((err) => {
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
    });
  };

  // The customer's open offers: the newest supersedes the others. The first announcement also asks
  // the store which of the customer's offers are open (those sent before onboardings kept track).
  const openOffers = new Map<string, OfferSent>();
  let storedOpenOffers: Promise<OfferSent[]> | undefined;
  setHandler(offerSentUpdate, async (offer) => {
    storedOpenOffers ??= findOpenOffers(input.partnerId, input.customerId);
    const stored = await storedOpenOffers;
    for (const o of [...stored, offer]) if (!purchases.has(o.offerId)) openOffers.set(o.offerId, o);
    const newest = [...openOffers.keys()].sort().pop();
    const older = [...openOffers.keys()].filter((id) => id !== newest);
    older.forEach((id) => openOffers.delete(id));
    await Promise.all(
      older.map(
        (id) =>
          getExternalWorkflowHandle(offerWorkflowId(id, input.customerId))
            .signal(supersedeOfferSignal, { byOfferId: newest! })
            .catch(() => undefined), // that offer has ended: nothing to supersede
      ),
    );
  });

  // Buying: the trial of the same SKU converts (same subscription id); other items become new subscriptions.
  setHandler(
    purchaseUpdate,
    async (request) => {
      const done = purchases.get(request.offerId);
      if (done) return done;
      const result: PurchaseResult = { subscriptions: [] };
      purchases.set(request.offerId, result); // a concurrent repeat waits on the same result below
      openOffers.delete(request.offerId);
      const purchasedAt = isoNow();
      // operators find what an offer made by its id (flows from before this did not tag it)
      const fromOffer = patched('offer-id-on-children') ? request.offerId : undefined;
      for (const item of request.items) {
        const converts = trial !== undefined && !trialConverted && item.sku === trial.sku && trial.status !== 'removed';
        const subscriptionId = converts ? trial.subscriptionId : item.subscriptionId;
        if (converts) trialConverted = true;
        const subscription = subscriptionStart(
          {
            subscriptionId,
            customerId: input.customerId,
            partnerId: input.partnerId,
            partnerEmail: request.partnerEmail,
            sku: item.sku,
            licenses: item.licenses,
            minLicenses: item.minLicenses,
            maxLicenses: item.maxLicenses,
            priceMinor: item.priceMinor,
            currency: item.currency,
            purchasedAt,
            billingPeriodMs: request.billingPeriodMs,
            cancellationWindowMs: request.cancellationWindowMs,
            revisionBase: converts ? trial.revision : 0,
          },
          fromOffer,
        );
        try {
          // a subscription outlives its onboarding
          await startChild(subscriptionWorkflow, { ...subscription, parentClosePolicy: ParentClosePolicy.ABANDON });
        } catch (err) {
          if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
        }
        skus.add(item.sku);
        if (!state.subscriptionIds.includes(subscriptionId)) state.subscriptionIds.push(subscriptionId);
        result.subscriptions.push({ subscriptionId, sku: item.sku, licenses: item.licenses, convertedTrial: converts });
      }
      if (request.delegatedAdmin) {
        await askDelegatedAdmin(request.delegatedAdmin, request.by, fromOffer);
        const asked = state.delegatedAdmin!;
        result.delegatedAdmin = { relationshipId: asked.relationshipId, status: asked.status === 'active' ? 'active' : 'approval-pending' };
      }
      const summary = result.subscriptions.map((s) => `${s.sku} × ${s.licenses}${s.convertedTrial ? ' (trial converted)' : ''}`).join(', ');
      await enter(Stage.Purchased, request.by, `offer ${request.offerId}: ${summary}`);
      await publish('active');
      await email(`purchased-${request.offerId}`, 'Thank you for your purchase', `Your subscriptions: ${summary}.`);
      return result;
    },
    {
      validator: (request) => {
        if ((ended() || cancelRequest) && !purchases.has(request.offerId)) {
          throw ApplicationFailure.nonRetryable(`the onboarding has ended (${state.stage})`, OnboardingFailure.Ended);
        }
      },
    },
  );

  // The customer may end its trial (running or suspended) until it buys; the main flow does it at its next wait.
  setHandler(
    cancelTrialUpdate,
    async (request) => {
      cancelRequest ??= request;
      await condition(() => cancelStored);
      return state;
    },
    {
      validator: (_request) => {
        if (!trial) throw ApplicationFailure.nonRetryable('this onboarding has no trial: the customer joined through an offer', OnboardingFailure.Ended);
        if (purchases.size > 0) throw ApplicationFailure.nonRetryable('the trial was bought already', OnboardingFailure.AlreadyPurchased);
        if (ended()) throw ApplicationFailure.nonRetryable(`the onboarding has ended (${state.stage})`, OnboardingFailure.Ended);
      },
    },
  );
  const cancelTrial = async (t: SubscriptionSnapshot, request: CancelTrialRequest): Promise<OnboardingState> => {
    await enter(Stage.Cancelled, request.by, `trial of ${t.sku} cancelled`);
    await saveTrial(t, { status: 'removed', licenses: 0 });
    await auditChange(
      {
        partnerId: input.partnerId,
        actor: request.requested?.actor ?? { kind: 'customer', id: input.customerId },
        action: 'trial.cancelled',
        target: { kind: 'subscription', id: t.subscriptionId },
        requestId: request.requested?.requestId,
      },
      'cancel-trial',
    );
    await publish('removed');
    cancelStored = true;
    await condition(allHandlersFinished);
    return state;
  };

  const purchased = () => purchases.size > 0;
  const settled = () => purchased() || cancelRequest !== undefined;
  if (trial) {
    const t = trial;
    const trialEndsAt = started + trialInput!.lengthMs;
    await saveTrial(t, {});
    await enter(Stage.TrialActive, 'customer', `trial of ${t.sku}, ${t.licenses} licenses, until ${state.trialEndsAt}`);
    if (input.delegatedAdmin) await askDelegatedAdmin(input.delegatedAdmin, 'customer');
    await publish('trial');
    await email('trial-started', `Your trial of ${t.sku} has started`, `Your trial of ${t.sku} for ${input.customer.name} runs until ${state.trialEndsAt}.`);
    await publishEvent(trialEvent('trial.started', input, t), trialStep(t));

    // Reminders due before the trial began (a trial shorter than the offset) are never sent. One whose
    // moment passed while no worker ran this flow (an outage) is sent late while the trial lasts, but
    // when a later reminder is due as well only that one is sent.
    const reminders = [...input.reminderOffsetsMs].sort((a, b) => b - a).filter((offset) => trialEndsAt - offset > started);
    for (const [i, offset] of reminders.entries()) {
      const at = trialEndsAt - offset;
      const late = at <= workflowNow().getTime();
      if (!late && (await condition(settled, msUntil(at)))) break;
      const now = workflowNow().getTime();
      const laterDue = i + 1 < reminders.length && trialEndsAt - reminders[i + 1]! <= now;
      if (late || laterDue) {
        // Flows from before this change skipped a passed reminder and sent every due one.
        const catchUp = patched('late-trial-reminders');
        if (catchUp ? laterDue || now >= trialEndsAt || settled() : late) continue;
      }
      const left = offset >= DAY_MS ? `${Math.round(offset / DAY_MS)} day${offset >= 2 * DAY_MS ? 's' : ''}` : 'less than a day';
      await email(`trial-reminder-${offset}`, `Your trial of ${t.sku} ends in ${left}`, `Buy ${t.sku} before ${state.trialEndsAt} to keep it.`);
      await publishEvent(trialEvent('trial.ending-soon', input, t, { reminderOffsetSeconds: offset / 1000 }), trialStep(t, `reminder-${offset}`));
      state.remindersSent++;
    }
    if (!(await condition(settled, msUntil(trialEndsAt)))) {
      await enter(Stage.TrialExpired, 'system');
      await enter(Stage.Suspended, 'system', `removed after ${Math.round(input.gracePeriodMs / 1000)} s unless bought`);
      await saveTrial(t, { status: 'suspended' });
      await publish('suspended');
      await email('trial-suspended', `Your trial of ${t.sku} has ended`, `The subscription is suspended and will be removed unless bought.`);
      const removalAt = new Date(workflowNow().getTime() + input.gracePeriodMs).toISOString();
      await publishEvent(trialEvent('trial.expired', input, t, { removalAt }), trialStep(t));
      if (!(await condition(settled, input.gracePeriodMs))) {
        await enter(Stage.Removed, 'system');
        await saveTrial(t, { status: 'removed', licenses: 0 });
        await publish('removed');
        await condition(allHandlersFinished);
        return state;
      }
    }

    if (cancelRequest && !purchased()) return cancelTrial(t, cancelRequest);
  } else {
    // joined through a published offer (which it buys at once) or a product key the partner redeems for it: nothing to wait for but that purchase
    if (input.productKey) await enter(Stage.KeyRedeemed, 'partner', `${origin} redeemed`);
    else await enter(Stage.OfferSent, 'customer', `joined through ${origin}`);
    const purchaseBy = input.purchaseBy ? Date.parse(input.purchaseBy) : started + DAY_MS;
    if (!(await condition(purchased, msUntil(purchaseBy)))) {
      await enter(Stage.Cancelled, 'system', `${origin} was not bought`);
      await condition(allHandlersFinished);
      return state;
    }
  }

  // Bought: the trial's own record is now the subscription workflow's; an unconverted trial is removed.
  await condition(() => allHandlersFinished() && purchased());
  if (state.delegatedAdmin?.status === 'pending') {
    await enter(Stage.AwaitingDelegatedAdmin, 'system', `relationship ${state.delegatedAdmin.relationshipId}`);
    // the customer list shows the stage as well (flows from before this left it at purchased)
    if (patched('awaiting-delegated-admin-listed')) await publish(directoryStatus);
    await condition(() => state.delegatedAdmin!.status !== 'pending');
  }
  if (trial && !trialConverted && trial.status !== 'removed') await saveTrial(trial, { status: 'removed', licenses: 0 });
  await enter(Stage.Onboarded, 'system');
  await publish(directoryStatus);
  // The customer stays with the partner: later offers are bought here too, for as
  // long as the relationship lasts (a handful of events per purchase).
  await condition(ended);
  await condition(allHandlersFinished);
  return state;
}
