import {
  ApplicationFailure,
  allHandlersFinished,
  condition,
  continueAsNew,
  currentUpdateInfo,
  patched,
  proxyActivities,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import { auditChange } from '../audit';
import type { OutboxActivities } from '../../activities/outbox/activities';
import type { PartnerOfRecordRequestSnapshot, SubscriptionActivities } from '../../activities/subscriptions/activities';
import type { TimelineActivities } from '../../activities/timeline/activities';
import { persistenceActivityOptions, slowerPersistenceActivityOptions } from '../activity-options';
import { isoNow, workflowNow } from '../clock';
import { DAY_MS } from '../durations';
import { publish } from '../events/publish';
import type { EventType } from '../events/types';
import { licenseCountOutOfBounds } from '../license-bounds';
import { LifecycleStage } from '../search-attributes';
import { Stage } from '../stages';
import { SubscriptionFailure } from './failures';
import {
  answerPartnerOfRecordChangeUpdate,
  changeLicensesUpdate,
  pricePreviewQuery,
  removePartnerOfRecordUpdate,
  requestPartnerOfRecordChangeUpdate,
  setRenewalUpdate,
  subscriptionStateQuery,
} from './messages';
import { currentPeriod, proratedAmount } from './pricing';
import type { RequestedBy } from '../audit';
import type {
  LicenseChangeRequest,
  PartnerOfRecord,
  PartnerOfRecordRequestStatus,
  PendingPartnerOfRecordChange,
  PricePreview,
  RenewalRequest,
  SubscriptionInput,
  SubscriptionState,
} from './types';

const { saveSubscription, saveLicenseDecrease, countAssignedLicenses, savePartnerOfRecordRequest } =
  proxyActivities<SubscriptionActivities>(persistenceActivityOptions);
const { recordStage } = proxyActivities<TimelineActivities>(persistenceActivityOptions);
const { sendEmail } = proxyActivities<OutboxActivities>(slowerPersistenceActivityOptions);

/**
 * A paid subscription, as an entity: license changes are validated updates
 * (within the catalog's bounds; down only inside the cancellation window and
 * never below the licenses assigned), each stored, added to the customer's
 * timeline and notified to the partner of record. At the end of each billing
 * period it renews (the cancellation window opens again), or, set not to renew,
 * ends. It renews its history by continuing as new.
 *
 * Its partner of record ('partner-of-record' marker; before it, `input.partnerId` always) hears of
 * every change, by e-mail and lifecycle event: the customer may remove it (nobody hears then) or ask
 * another partner of the same cloud to take it over, which that partner accepts or declines, or lets
 * lapse.
 */
export async function subscriptionWorkflow(input: SubscriptionInput): Promise<SubscriptionState> {
  const workflowId = workflowInfo().workflowId;
  const state: SubscriptionState = input.carried ?? {
    subscriptionId: input.subscriptionId,
    customerId: input.customerId,
    partnerId: input.partnerId,
    sku: input.sku,
    status: 'active',
    licenses: input.licenses,
    purchasedAt: input.purchasedAt,
    changes: 0,
    revision: input.revisionBase,
  };
  const purchasedAt = Date.parse(input.purchasedAt);
  /** Runs from before the partner of record was kept tell `input.partnerId` of everything. */
  const keepsPartnerOfRecord = patched('partner-of-record');
  if (keepsPartnerOfRecord && state.partnerOfRecord === undefined) state.partnerOfRecord = { partnerId: input.partnerId, email: input.partnerEmail };
  const partnerOfRecord = (): PartnerOfRecord | null =>
    state.partnerOfRecord === undefined ? { partnerId: input.partnerId, email: input.partnerEmail } : state.partnerOfRecord;

  const preview = (licenses: number, now = workflowNow().getTime()): PricePreview => {
    const period = currentPeriod(purchasedAt, input.billingPeriodMs, now);
    const windowEnds = period.start + input.cancellationWindowMs;
    return {
      currentLicenses: state.licenses,
      newLicenses: licenses,
      proratedAmount: proratedAmount(licenses - state.licenses, input.priceMinor, period, now),
      currency: input.currency,
      periodStartsAt: new Date(period.start).toISOString(),
      periodEndsAt: new Date(period.end).toISOString(),
      decreaseAllowed: now <= windowEnds,
      cancellationWindowEndsAt: new Date(windowEnds).toISOString(),
    };
  };
  const refuse = (message: string, type: string, details: Record<string, unknown> = {}) => ApplicationFailure.nonRetryable(message, type, details);
  const check = ({ licenses }: { licenses: number }) => {
    if (state.status !== 'active') throw refuse(`subscription ${state.subscriptionId} is ${state.status}`, SubscriptionFailure.Cancelled);
    if (licenses === state.licenses) throw refuse(`subscription ${state.subscriptionId} has ${licenses} licenses already`, SubscriptionFailure.Unchanged);
    const outOfBounds = licenseCountOutOfBounds(input, licenses);
    if (outOfBounds) throw refuse(outOfBounds, SubscriptionFailure.OutOfBounds);
    const p = preview(licenses);
    if (licenses < state.licenses && !p.decreaseAllowed) {
      throw refuse(
        `licenses can go down only in the ${Math.round(input.cancellationWindowMs / DAY_MS)} days after purchase or renewal (the window closed at ${p.cancellationWindowEndsAt})`,
        SubscriptionFailure.DecreaseOutsideWindow,
        {
          cancellationWindowEndsAt: p.cancellationWindowEndsAt,
        },
      );
    }
  };
  const snapshot = (revision: number) => ({
    subscriptionId: state.subscriptionId,
    customerId: state.customerId,
    partnerId: state.partnerId,
    sku: state.sku,
    status: state.status,
    licenses: state.licenses,
    purchasedAt: state.purchasedAt,
    createdAt: state.purchasedAt,
    updatedAt: isoNow(),
    revision,
    ...(state.renewals === undefined ? {} : { autoRenew: state.autoRenew !== false, renewals: state.renewals, periodEndsAt: state.periodEndsAt }),
    ...(state.endedAt ? { endedAt: state.endedAt } : {}),
    partnerOfRecordId: partnerOfRecord()?.partnerId ?? null,
  });
  const save = () => saveSubscription(snapshot(++state.revision));

  setHandler(subscriptionStateQuery, () => state);
  setHandler(pricePreviewQuery, (licenses, atMs) => preview(licenses, atMs));
  /** A change of the license count is under way (they go one at a time). */
  let changing = false;
  // The same request again (its answer was lost and the run continued as new since): it has been done.
  const repeated = () => state.lastChange?.updateId !== undefined && state.lastChange.updateId === currentUpdateInfo()?.id;
  setHandler(
    changeLicensesUpdate,
    async (request) => {
      if (repeated()) return state;
      upgradeOldRun();
      if (!patched('license-changes-in-turn')) return changeLicenses(request, false);
      // (several may see it free at once: each looks again as it resumes, and the first takes it)
      while (changing) await condition(() => !changing);
      changing = true;
      try {
        return await changeLicenses(request, true);
      } finally {
        changing = false;
      }
    },
    { validator: (request) => repeated() || check(request) },
  );

  /**
   * One change of the license count. `inTurn` (changes one at a time): a decrease is checked
   * against the licenses assigned to users as it is stored, under the lock assignments take.
   */
  async function changeLicenses(request: LicenseChangeRequest, inTurn: boolean): Promise<SubscriptionState> {
    check(request);
    const decreaseUnderLock = inTurn && request.licenses < state.licenses;
    if (request.licenses < state.licenses && !decreaseUnderLock) {
      const assigned = await countAssignedLicenses(state.customerId, state.sku);
      if (request.licenses < assigned) {
        throw refuse(
          `${assigned} ${state.sku} licenses are assigned to users: unassign some before going down to ${request.licenses}`,
          SubscriptionFailure.BelowAssigned,
          { assigned },
        );
      }
      check(request); // the count may have changed while the activity ran
    }
    const before = state.licenses;
    const amount = preview(request.licenses).proratedAmount;
    if (decreaseUnderLock) {
      await saveLicenseDecrease({ ...snapshot(++state.revision), licenses: request.licenses });
      check(request); // cancelled while it was stored: the cancellation, saved after, holds
    }
    state.licenses = request.licenses;
    state.lastChange = { from: before, to: request.licenses, proratedAmount: amount, by: request.by, updateId: currentUpdateInfo()?.id };
    const n = ++state.changes;
    if (!decreaseUnderLock) await save();
    if (patched('subscription-stage-attribute')) upsertSearchAttributes([{ key: LifecycleStage, value: Stage.LicensesAdjusted }]);
    await audit(request, 'subscription.licenses-changed', { from: before, to: request.licenses });
    const detail = `${state.sku}: ${before} → ${state.licenses} licenses by ${request.by} (prorated ${amount} ${input.currency} minor units)`;
    await recordStage({
      workflowId,
      n,
      partnerId: state.partnerId,
      customerId: state.customerId,
      stage: Stage.LicensesAdjusted,
      at: isoNow(),
      by: request.by,
      detail,
    });
    await emailPartnerOfRecord({
      key: `${workflowId}:change:${n}`,
      subject: `Licenses changed: ${state.sku} now ${state.licenses}`,
      text: detail,
      kind: 'subscription-changed',
    });
    await announce(
      'subscription.changed',
      { change: 'licenses', from: before, to: state.licenses, proratedAmount: amount, currency: input.currency },
      `licenses:${n}`,
    );
    return state;
  }

  /**
   * A run from before renewals (no 'subscription-renewals' marker) moves on to one that renews, by
   * continuing as new, the first time it is asked to change anything.
   */
  let upgrading = false;
  function upgradeOldRun(): void {
    if (renewals || upgrading || !patched('subscription-renewals-upgrade')) return;
    upgrading = true;
    startRenewing();
  }

  /** Counts renewals from here on; in a run from before they were counted, the periods passed were renewed by currentPeriod's arithmetic. */
  function startRenewing(): void {
    state.renewals ??= Math.max(0, Math.floor((workflowNow().getTime() - purchasedAt) / input.billingPeriodMs));
    state.autoRenew ??= true;
    state.periodEndsAt = periodEnd();
  }

  /** The audit entry of a change asked for by the customer, or by a partner user under delegated administration. */
  async function audit(
    request: { by?: string; requested?: RequestedBy },
    action: string,
    details: Record<string, unknown>,
    partnerId = state.partnerId,
  ): Promise<void> {
    await auditChange({
      partnerId,
      customerId: state.customerId,
      actor:
        request.requested?.actor ?? (request.by === 'customer' ? { kind: 'customer', id: state.customerId } : { kind: 'system', id: request.by ?? 'system' }),
      action,
      target: { kind: 'subscription', id: state.subscriptionId },
      requestId: request.requested?.requestId,
      details: { customerId: state.customerId, ...details },
    });
  }

  /** The end of the billing period after `state.renewals` renewals (ISO). */
  function periodEnd(): string {
    return new Date(purchasedAt + (state.renewals! + 1) * input.billingPeriodMs).toISOString();
  }

  function requireActive(): void {
    if (state.status !== 'active') throw refuse(`subscription ${state.subscriptionId} is ${state.status}`, SubscriptionFailure.Cancelled);
  }

  /** Tells the partner of record (and the customer's timeline) what happened to the subscription. */
  async function tell(key: string, n: number, stage: Stage, kind: string, subject: string, detail: string, by = 'system'): Promise<void> {
    await recordStage({
      workflowId,
      key: `${workflowId}:${key}`,
      n,
      partnerId: state.partnerId,
      customerId: state.customerId,
      stage,
      at: isoNow(),
      by,
      detail,
    });
    await emailPartnerOfRecord({ key: `${workflowId}:${key}:${n}`, subject, text: detail, kind });
  }

  /** E-mails the partner of record (nobody when the customer removed it). */
  async function emailPartnerOfRecord(m: { key: string; subject: string; text: string; kind: string }, to = partnerOfRecord()): Promise<void> {
    if (!to) return;
    await sendEmail({ ...m, partnerId: to.partnerId, customerId: state.customerId, to: to.email, at: isoNow() });
  }

  /** What a receiver of the subscription's events needs to know of it now. */
  const eventView = () => ({
    subscriptionId: state.subscriptionId,
    customerId: state.customerId,
    sku: state.sku,
    licenses: state.licenses,
    status: state.status,
    autoRenew: state.autoRenew !== false,
    ...(state.periodEndsAt ? { periodEndsAt: state.periodEndsAt } : {}),
    partnerOfRecordId: partnerOfRecord()?.partnerId ?? null,
  });

  /** Publishes a lifecycle event of the subscription to its partner of record (none when removed); `step` names the change outside updates. */
  async function announce(type: EventType, data: Record<string, unknown>, step: string, to = partnerOfRecord()): Promise<void> {
    if (!to) return;
    await publish(
      {
        type,
        partnerId: to.partnerId,
        customerId: state.customerId,
        subject: { kind: 'subscription', id: state.subscriptionId },
        data: { ...eventView(), ...data },
      },
      step,
    );
  }

  async function setRenewal(request: RenewalRequest): Promise<void> {
    state.autoRenew = request.autoRenew;
    const n = (state.renewalSettings = (state.renewalSettings ?? 0) + 1);
    await save();
    await audit(request, 'subscription.renewal-changed', { autoRenew: request.autoRenew });
    const what = request.autoRenew ? `renews at the end of each billing period again` : `will not renew: it ends at ${state.periodEndsAt}`;
    await emailPartnerOfRecord({
      key: `${workflowId}:renewal-setting:${n}`,
      subject: `${state.sku} ${request.autoRenew ? 'renews again' : 'will not renew'}`,
      text: `${state.sku} (${state.licenses} licenses) ${what}; set by ${request.by}.`,
      kind: 'subscription-renewal-changed',
    });
    await announce('subscription.changed', { change: 'renewal', autoRenew: request.autoRenew }, `renewal-setting:${n}`);
  }

  async function renew(): Promise<void> {
    const renewedAt = state.periodEndsAt!;
    state.renewals = state.renewals! + 1;
    state.periodEndsAt = periodEnd();
    await save();
    upsertSearchAttributes([{ key: LifecycleStage, value: Stage.SubscriptionRenewed }]);
    const detail = `${state.sku}: ${state.licenses} licenses renewed at ${renewedAt} until ${state.periodEndsAt}; licenses may go down until ${new Date(Date.parse(renewedAt) + input.cancellationWindowMs).toISOString()}`;
    await tell('renewal', state.renewals, Stage.SubscriptionRenewed, 'subscription-renewed', `${state.sku} renewed until ${state.periodEndsAt}`, detail);
    await announce('subscription.renewed', { renewedAt, renewals: state.renewals }, `renewal:${state.renewals}`);
  }

  async function end(at: number): Promise<void> {
    state.status = 'cancelled';
    state.endedAt = new Date(at).toISOString();
    await save();
    upsertSearchAttributes([{ key: LifecycleStage, value: Stage.SubscriptionEnded }]);
    const detail = `${state.sku}: ${state.licenses} licenses ended at ${state.endedAt}, not renewed`;
    await tell('end', 1, Stage.SubscriptionEnded, 'subscription-ended', `${state.sku} ended (not renewed)`, detail);
    await announce('subscription.cancelled', { endedAt: state.endedAt, reason: 'not-renewed' }, 'end');
    const pending = state.pendingPartnerOfRecordChange;
    if (pending) await closeRequest(pending, 'withdrawn'); // nothing left to take over
  }

  // --- the partner of record: asked to change (the asked partner answers, or it lapses), or removed ---

  /** A run from before the partner of record was kept continues as new first: the caller asks again (503 change-in-progress). */
  let upgradingPartnerOfRecord = false;
  function requireKeptPartnerOfRecord(): void {
    if (keepsPartnerOfRecord) return;
    upgradingPartnerOfRecord = true;
    throw refuse(`subscription ${state.subscriptionId} is moving to its next run: ask again in a moment`, SubscriptionFailure.Upgrading);
  }
  const nextStep = () => (state.partnerOfRecordSteps = (state.partnerOfRecordSteps ?? 0) + 1);
  /**
   * Changes of the partner of record go one at a time: an acceptance and a removal that meet would
   * otherwise each tell the partner what the other undid. Each looks at the state again once its turn comes.
   */
  let changingPartnerOfRecord = false;
  async function partnerOfRecordInTurn<T>(change: () => Promise<T>): Promise<T> {
    while (changingPartnerOfRecord) await condition(() => !changingPartnerOfRecord);
    changingPartnerOfRecord = true;
    try {
      return await change();
    } finally {
      changingPartnerOfRecord = false;
    }
  }
  const requestRecord = (p: PendingPartnerOfRecordChange, status: PartnerOfRecordRequestStatus): PartnerOfRecordRequestSnapshot => ({
    requestId: p.requestId,
    subscriptionId: state.subscriptionId,
    customerId: state.customerId,
    sku: state.sku,
    fromPartnerId: p.from?.partnerId ?? null,
    toPartnerId: p.to.partnerId,
    status,
    expiresAt: p.expiresAt,
    ...(status === 'pending' ? {} : { answeredAt: isoNow() }),
    createdAt: p.askedAt,
    updatedAt: isoNow(),
    revision: status === 'pending' ? 1 : 2,
  });
  /** Events of partner-of-record changes are published outside the update that made them (two of one type to two partners: each its own step). */
  const partnerOfRecordEvents: Array<() => Promise<void>> = [];
  const announceChange = (n: number, from: PartnerOfRecord | null, to: PartnerOfRecord | null) => {
    const data = { change: 'partner-of-record', from: from?.partnerId ?? null, to: to?.partnerId ?? null };
    if (from) partnerOfRecordEvents.push(() => announce('subscription.changed', data, `partner-of-record:${n}:from`, from));
    if (to) partnerOfRecordEvents.push(() => announce('subscription.changed', data, `partner-of-record:${n}:to`, to));
  };
  const repeatedRequest = (requestId: string) =>
    state.pendingPartnerOfRecordChange?.requestId === requestId || state.lastPartnerOfRecordRequest?.requestId === requestId;
  const checkRequest = (to: PartnerOfRecord) => {
    requireActive();
    if (partnerOfRecord()?.partnerId === to.partnerId) {
      throw refuse(`${to.partnerId} is the partner of record of subscription ${state.subscriptionId} already`, SubscriptionFailure.PartnerOfRecordUnchanged);
    }
    const pending = state.pendingPartnerOfRecordChange;
    if (pending) {
      throw refuse(
        `a change of the partner of record of subscription ${state.subscriptionId} waits for ${pending.to.partnerId}'s answer until ${pending.expiresAt}`,
        SubscriptionFailure.PartnerOfRecordChangePending,
        { requestId: pending.requestId },
      );
    }
  };
  const checkAnswer = ({ requestId, partnerId, accept }: { requestId: string; partnerId: string; accept: boolean }) => {
    const pending = state.pendingPartnerOfRecordChange;
    if (!pending || pending.requestId !== requestId || pending.to.partnerId !== partnerId) {
      const last = state.lastPartnerOfRecordRequest;
      throw refuse(
        `the change of the partner of record ${requestId} is ${last?.requestId === requestId ? last.status : 'not waiting for an answer'}`,
        SubscriptionFailure.PartnerOfRecordRequestNotPending,
        { status: last?.requestId === requestId ? last.status : undefined },
      );
    }
    if (accept) requireActive();
  };

  /** Ends a pending change (answered, lapsed or withdrawn): stored, and the asked partner told unless it answered itself. */
  async function closeRequest(p: PendingPartnerOfRecordChange, status: Exclude<PartnerOfRecordRequestStatus, 'pending'>): Promise<void> {
    state.pendingPartnerOfRecordChange = undefined;
    state.lastPartnerOfRecordRequest = { requestId: p.requestId, status };
    await savePartnerOfRecordRequest(requestRecord(p, status));
    if (status === 'lapsed' || status === 'withdrawn') {
      await emailPartnerOfRecord(
        {
          key: `${workflowId}:partner-of-record:${p.n}:${status}`,
          subject: `No longer asked to be the partner of record of ${state.sku}`,
          text: `The customer's request that you become the partner of record of its ${state.sku} subscription ${status === 'lapsed' ? `lapsed unanswered at ${p.expiresAt}` : 'was withdrawn'}.`,
          kind: `partner-of-record-request-${status}`,
        },
        p.to,
      );
      if (status === 'lapsed')
        await auditChange(
          {
            ...auditOf('system'),
            action: 'subscription.partner-of-record-change-lapsed',
            details: { customerId: state.customerId, requestId: p.requestId, to: p.to.partnerId },
          },
          `partner-of-record:${p.n}:lapsed`,
        );
    }
  }
  const auditOf = (by: string) => ({
    partnerId: state.partnerId,
    customerId: state.customerId,
    actor: { kind: 'system' as const, id: by },
    target: { kind: 'subscription', id: state.subscriptionId },
  });

  setHandler(
    requestPartnerOfRecordChangeUpdate,
    async (request) =>
      partnerOfRecordInTurn(async () => {
        if (repeatedRequest(request.requestId)) return state;
        requireKeptPartnerOfRecord();
        checkRequest(request.to);
        const now = workflowNow().getTime();
        const from = partnerOfRecord();
        const pending: PendingPartnerOfRecordChange = {
          ...request,
          n: nextStep(),
          from,
          askedAt: new Date(now).toISOString(),
          expiresAt: new Date(now + request.answerWithinMs).toISOString(),
        };
        state.pendingPartnerOfRecordChange = pending;
        await savePartnerOfRecordRequest(requestRecord(pending, 'pending'));
        // in the asked partner's log (and the customer's), not the selling partner's: who else a customer asks is not its business
        await audit(
          { by: 'customer', requested: request.requested },
          'subscription.partner-of-record-change-requested',
          { requestId: request.requestId, from: from?.partnerId ?? null, to: request.to.partnerId },
          request.to.partnerId,
        );
        await emailPartnerOfRecord(
          {
            key: `${workflowId}:partner-of-record:${pending.n}:asked`,
            subject: `Asked to become the partner of record of ${state.sku}`,
            text: `Customer ${state.customerId} asks you to become the partner of record of its ${state.sku} subscription (${state.licenses} licenses). Accept or decline request ${request.requestId} by ${pending.expiresAt} (POST /v1/partner-of-record-requests/${request.requestId}/acceptance or /declination).`,
            kind: 'partner-of-record-requested',
          },
          request.to,
        );
        return state;
      }),
    { validator: (request) => (repeatedRequest(request.requestId) || !keepsPartnerOfRecord ? undefined : checkRequest(request.to)) },
  );

  const repeatedAnswer = (requestId: string) => state.lastPartnerOfRecordRequest?.requestId === requestId && state.pendingPartnerOfRecordChange === undefined;
  setHandler(
    answerPartnerOfRecordChangeUpdate,
    async (answer) =>
      partnerOfRecordInTurn(async () => {
        // (a retry of the answer that closed it meets its state; any other answer once it closed is refused by the validator)
        if (repeatedAnswer(answer.requestId) && state.lastPartnerOfRecordRequest?.status === (answer.accept ? 'accepted' : 'declined')) return state;
        checkAnswer(answer);
        const pending = state.pendingPartnerOfRecordChange!;
        const from = partnerOfRecord();
        if (answer.accept) state.partnerOfRecord = pending.to;
        await closeRequest(pending, answer.accept ? 'accepted' : 'declined');
        const actor = answer.requested?.actor ?? { kind: 'system' as const, id: answer.partnerId };
        // the asked partner's own log, and the subscription's
        await auditChange({
          ...auditOf(answer.partnerId),
          partnerId: pending.to.partnerId,
          actor,
          requestId: answer.requested?.requestId,
          action: answer.accept ? 'partner-of-record-request.accepted' : 'partner-of-record-request.declined',
          target: { kind: 'partner-of-record-request', id: pending.requestId },
          details: { customerId: state.customerId, subscriptionId: state.subscriptionId },
        });
        if (!answer.accept) return state;
        await save();
        await auditChange({
          ...auditOf(answer.partnerId),
          actor,
          requestId: answer.requested?.requestId,
          action: 'subscription.partner-of-record-changed',
          details: { customerId: state.customerId, requestId: pending.requestId, from: from?.partnerId ?? null, to: pending.to.partnerId },
        });
        await partnerOfRecordChanged(pending.n, from, pending.to, `accepted by ${pending.to.partnerId}`);
        return state;
      }),
    {
      validator: (answer) =>
        repeatedAnswer(answer.requestId) && state.lastPartnerOfRecordRequest?.status === (answer.accept ? 'accepted' : 'declined')
          ? undefined
          : checkAnswer(answer),
    },
  );

  setHandler(
    removePartnerOfRecordUpdate,
    async (removal) =>
      partnerOfRecordInTurn(async () => {
        if (partnerOfRecord() === null && !state.pendingPartnerOfRecordChange) return state; // removed already: the same request again
        requireKeptPartnerOfRecord();
        requireActive();
        const from = partnerOfRecord();
        const n = nextStep();
        state.partnerOfRecord = null;
        const pending = state.pendingPartnerOfRecordChange;
        await save();
        if (pending) await closeRequest(pending, 'withdrawn');
        await audit({ by: 'customer', requested: removal.requested }, 'subscription.partner-of-record-removed', { from: from?.partnerId ?? null });
        if (from) await partnerOfRecordChanged(n, from, null, 'removed by the customer');
        return state;
      }),
    { validator: (_removal) => (partnerOfRecord() === null && !state.pendingPartnerOfRecordChange ? undefined : requireActive()) },
  );

  /** The partner of record changed (or was removed): the timeline, both partners e-mailed, both told by event. */
  async function partnerOfRecordChanged(n: number, from: PartnerOfRecord | null, to: PartnerOfRecord | null, how: string): Promise<void> {
    const detail = `${state.sku}: partner of record ${from?.partnerId ?? 'none'} → ${to?.partnerId ?? 'none'} (${how})`;
    await recordStage({
      workflowId,
      key: `${workflowId}:partner-of-record`,
      n,
      partnerId: state.partnerId,
      customerId: state.customerId,
      stage: Stage.PartnerOfRecordChanged,
      at: isoNow(),
      by: to && how.startsWith('accepted') ? to.partnerId : 'customer',
      detail,
    });
    if (from) {
      await emailPartnerOfRecord(
        {
          key: `${workflowId}:partner-of-record:${n}:from`,
          subject: `No longer the partner of record of ${state.sku}`,
          text: detail,
          kind: 'partner-of-record-changed',
        },
        from,
      );
    }
    if (to) {
      await emailPartnerOfRecord(
        {
          key: `${workflowId}:partner-of-record:${n}:to`,
          subject: `Now the partner of record of ${state.sku}`,
          text: detail,
          kind: 'partner-of-record-changed',
        },
        to,
      );
    }
    announceChange(n, from, to);
  }

  /**
   * Outside any update (its own steps name what it does): lapses a change its partner left unanswered,
   * and publishes the events of partner-of-record changes.
   */
  let partnerOfRecordBusy = false;
  async function watchPartnerOfRecord(): Promise<void> {
    for (;;) {
      const pending = state.pendingPartnerOfRecordChange;
      const moved = () => partnerOfRecordEvents.length > 0 || state.pendingPartnerOfRecordChange?.requestId !== pending?.requestId;
      const woke = pending ? await condition(moved, Math.max(1, Date.parse(pending.expiresAt) - workflowNow().getTime())) : (await condition(moved), true);
      partnerOfRecordBusy = true;
      try {
        if (!woke && pending && state.pendingPartnerOfRecordChange?.requestId === pending.requestId) await closeRequest(pending, 'lapsed');
        while (partnerOfRecordEvents.length > 0) {
          await partnerOfRecordEvents[0]!();
          partnerOfRecordEvents.shift();
        }
      } finally {
        partnerOfRecordBusy = false;
      }
    }
  }
  /** Nothing of the partner of record's is left half done (before continuing as new or ending). */
  const partnerOfRecordSettled = () => !partnerOfRecordBusy && partnerOfRecordEvents.length === 0;
  if (keepsPartnerOfRecord) void watchPartnerOfRecord();

  const renewals = patched('subscription-renewals');
  if (renewals) startRenewing();
  setHandler(
    setRenewalUpdate,
    async (request) => {
      upgradeOldRun();
      if (state.autoRenew === request.autoRenew) return state;
      await setRenewal(request);
      return state;
    },
    // (the same setting again is answered with the state, even once it has ended)
    { validator: (request) => (request.autoRenew === (state.autoRenew ?? true) ? undefined : requireActive()) },
  );
  if (!input.carried) {
    await save();
    await announce('subscription.created', { purchasedAt: state.purchasedAt, convertedTrial: input.revisionBase > 0 }, 'created');
  } else if (renewals && input.carried.renewals === undefined) await save(); // the record learns of its renewals
  if (renewals) {
    while (state.status === 'active' && !workflowInfo().continueAsNewSuggested) {
      const ends = Date.parse(periodEnd());
      if (
        await condition(
          () => state.status !== 'active' || workflowInfo().continueAsNewSuggested || upgradingPartnerOfRecord,
          Math.max(1, ends - workflowNow().getTime()),
        )
      ) {
        break;
      }
      await condition(() => !changing); // a license change under way is priced in the period it began in
      if (state.autoRenew !== false) await renew();
      else await end(ends);
    }
  } else await condition(() => state.status !== 'active' || workflowInfo().continueAsNewSuggested || upgrading || upgradingPartnerOfRecord);
  if (keepsPartnerOfRecord) await condition(() => allHandlersFinished() && partnerOfRecordSettled());
  if (state.status === 'active') {
    await condition(allHandlersFinished);
    await continueAsNew<typeof subscriptionWorkflow>({ ...input, carried: state });
  }
  return state;
}
