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
import type { SubscriptionActivities } from '../../activities/subscriptions/activities';
import type { TimelineActivities } from '../../activities/timeline/activities';
import { persistenceActivityOptions, slowerPersistenceActivityOptions } from '../activity-options';
import { isoNow, workflowNow } from '../clock';
import { DAY_MS } from '../durations';
import { licenseCountOutOfBounds } from '../license-bounds';
import { LifecycleStage } from '../search-attributes';
import { Stage } from '../stages';
import { SubscriptionFailure } from './failures';
import { changeLicensesUpdate, pricePreviewQuery, setRenewalUpdate, subscriptionStateQuery } from './messages';
import { currentPeriod, proratedAmount } from './pricing';
import type { LicenseChangeRequest, PricePreview, RenewalRequest, SubscriptionInput, SubscriptionState } from './types';

const { saveSubscription, saveLicenseDecrease, countAssignedLicenses } = proxyActivities<SubscriptionActivities>(persistenceActivityOptions);
const { recordStage } = proxyActivities<TimelineActivities>(persistenceActivityOptions);
const { sendEmail } = proxyActivities<OutboxActivities>(slowerPersistenceActivityOptions);

/**
 * A paid subscription, as an entity: license changes are validated updates
 * (within the catalog's bounds; down only inside the cancellation window and
 * never below the licenses assigned), each stored, added to the customer's
 * timeline and notified to the partner of record. At the end of each billing
 * period it renews (the cancellation window opens again), or, set not to renew,
 * ends. It renews its history by continuing as new.
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
    await sendEmail({
      key: `${workflowId}:change:${n}`,
      partnerId: state.partnerId,
      customerId: state.customerId,
      to: input.partnerEmail,
      subject: `Licenses changed: ${state.sku} now ${state.licenses}`,
      text: detail,
      kind: 'subscription-changed',
      at: isoNow(),
    });
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
  async function audit(request: LicenseChangeRequest | RenewalRequest, action: string, details: Record<string, unknown>): Promise<void> {
    await auditChange({
      partnerId: state.partnerId,
      customerId: state.customerId,
      actor: request.requested?.actor ?? (request.by === 'customer' ? { kind: 'customer', id: state.customerId } : { kind: 'system', id: request.by }),
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
    await sendEmail({
      key: `${workflowId}:${key}:${n}`,
      partnerId: state.partnerId,
      customerId: state.customerId,
      to: input.partnerEmail,
      subject,
      text: detail,
      kind,
      at: isoNow(),
    });
  }

  async function setRenewal(request: RenewalRequest): Promise<void> {
    state.autoRenew = request.autoRenew;
    const n = (state.renewalSettings = (state.renewalSettings ?? 0) + 1);
    await save();
    await audit(request, 'subscription.renewal-changed', { autoRenew: request.autoRenew });
    const what = request.autoRenew ? `renews at the end of each billing period again` : `will not renew: it ends at ${state.periodEndsAt}`;
    await sendEmail({
      key: `${workflowId}:renewal-setting:${n}`,
      partnerId: state.partnerId,
      customerId: state.customerId,
      to: input.partnerEmail,
      subject: `${state.sku} ${request.autoRenew ? 'renews again' : 'will not renew'}`,
      text: `${state.sku} (${state.licenses} licenses) ${what}; set by ${request.by}.`,
      kind: 'subscription-renewal-changed',
      at: isoNow(),
    });
  }

  async function renew(): Promise<void> {
    const renewedAt = state.periodEndsAt!;
    state.renewals = state.renewals! + 1;
    state.periodEndsAt = periodEnd();
    await save();
    upsertSearchAttributes([{ key: LifecycleStage, value: Stage.SubscriptionRenewed }]);
    const detail = `${state.sku}: ${state.licenses} licenses renewed at ${renewedAt} until ${state.periodEndsAt}; licenses may go down until ${new Date(Date.parse(renewedAt) + input.cancellationWindowMs).toISOString()}`;
    await tell('renewal', state.renewals, Stage.SubscriptionRenewed, 'subscription-renewed', `${state.sku} renewed until ${state.periodEndsAt}`, detail);
  }

  async function end(at: number): Promise<void> {
    state.status = 'cancelled';
    state.endedAt = new Date(at).toISOString();
    await save();
    upsertSearchAttributes([{ key: LifecycleStage, value: Stage.SubscriptionEnded }]);
    const detail = `${state.sku}: ${state.licenses} licenses ended at ${state.endedAt}, not renewed`;
    await tell('end', 1, Stage.SubscriptionEnded, 'subscription-ended', `${state.sku} ended (not renewed)`, detail);
  }

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
  if (!input.carried) await save();
  else if (renewals && input.carried.renewals === undefined) await save(); // the record learns of its renewals
  if (renewals) {
    while (state.status === 'active' && !workflowInfo().continueAsNewSuggested) {
      const ends = Date.parse(periodEnd());
      if (await condition(() => state.status !== 'active' || workflowInfo().continueAsNewSuggested, Math.max(1, ends - workflowNow().getTime()))) break;
      await condition(() => !changing); // a license change under way is priced in the period it began in
      if (state.autoRenew !== false) await renew();
      else await end(ends);
    }
  } else await condition(() => state.status !== 'active' || workflowInfo().continueAsNewSuggested || upgrading);
  if (state.status === 'active') {
    await condition(allHandlersFinished);
    await continueAsNew<typeof subscriptionWorkflow>({ ...input, carried: state });
  }
  return state;
}
