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
import { changeLicensesUpdate, pricePreviewQuery, subscriptionStateQuery } from './messages';
import { currentPeriod, proratedAmount } from './pricing';
import type { LicenseChangeRequest, PricePreview, SubscriptionInput, SubscriptionState } from './types';

const { saveSubscription, saveLicenseDecrease, countAssignedLicenses } = proxyActivities<SubscriptionActivities>(persistenceActivityOptions);
const { recordStage } = proxyActivities<TimelineActivities>(persistenceActivityOptions);
const { sendEmail } = proxyActivities<OutboxActivities>(slowerPersistenceActivityOptions);

/**
 * A paid subscription, as an entity: license changes are validated updates
 * (within the catalog's bounds; down only inside the cancellation window and
 * never below the licenses assigned), each stored, added to the customer's
 * timeline and notified to the partner of record. It renews its history by
 * continuing as new.
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
    await auditChange({
      partnerId: state.partnerId,
      customerId: state.customerId,
      actor: request.requested?.actor ?? (request.by === 'customer' ? { kind: 'customer', id: state.customerId } : { kind: 'system', id: request.by }),
      action: 'subscription.licenses-changed',
      target: { kind: 'subscription', id: state.subscriptionId },
      requestId: request.requested?.requestId,
      details: { customerId: state.customerId, from: before, to: request.licenses },
    });
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

  if (!input.carried) await save();
  await condition(() => state.status !== 'active' || workflowInfo().continueAsNewSuggested);
  if (state.status === 'active') {
    await condition(allHandlersFinished);
    await continueAsNew<typeof subscriptionWorkflow>({ ...input, carried: state });
  }
  return state;
}
