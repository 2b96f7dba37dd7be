import {
  ApplicationFailure,
  allHandlersFinished,
  condition,
  patched,
  proxyActivities,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { OfferActivities } from '../../activities/offers/activities';
import type { OutboxActivities } from '../../activities/outbox/activities';
import { persistenceActivityOptions, slowerPersistenceActivityOptions } from '../activity-options';
import { auditChange, type RequestedBy } from '../audit';
import { isoNow, workflowNow } from '../clock';
import { publish } from '../events/publish';
import { licenseCountOutOfBounds } from '../license-bounds';
import { LifecycleStage } from '../search-attributes';
import { delegatedAdminNotOffered } from '../delegated-admin/failures';
import { onboardCustomer, purchaseThroughOnboarding } from '../onboarding/join';
import type { AcceptingCustomer } from '../onboarding/types';
import { offerEvent } from './events';
import { OfferFailure } from './failures';
import {
  acceptOfferUpdate,
  declineOfferUpdate,
  offerRecordedUpdate,
  offerStateQuery,
  revokeOfferUpdate,
  supersedeOfferSignal,
  supersedeOfferUpdate,
} from './messages';
import { offerStage } from './start';
import type { CloseOfferRequest, OfferInput, OfferState, OfferStatus, PurchaseResult } from './types';

const { saveOfferRecipient, announceOfferToOnboarding } = proxyActivities<OfferActivities>(persistenceActivityOptions);
const { sendEmail } = proxyActivities<OutboxActivities>(slowerPersistenceActivityOptions);

/**
 * A purchase offer to one customer: sent → accepted (with the customer's
 * license counts) | declined | superseded by a newer offer | revoked | expired.
 * Once stored it announces itself to the customer's onboarding, which
 * supersedes the older open offer. Accepting buys through the onboarding,
 * exactly once.
 */
export async function offerWorkflow(input: OfferInput): Promise<OfferState> {
  const state: OfferState = {
    offerId: input.offerId,
    partnerId: input.partnerId,
    customerId: input.customerId,
    status: 'sent',
    items: input.items.map(({ sku, licenses }) => ({ sku, licenses })),
    expiresAt: input.expiresAt,
    sentAt: isoNow(),
  };
  let revision = 0;
  const persist = async () => {
    await saveOfferRecipient({ ...state, revision: ++revision });
    upsertSearchAttributes([{ key: LifecycleStage, value: offerStage[state.status] }]);
  };
  const end = (status: OfferStatus, by: string) => {
    state.status = status;
    state.endedAt = isoNow();
    state.endedBy = by;
  };
  const refuseUnlessOpen = () => {
    if (state.status !== 'sent') {
      throw ApplicationFailure.nonRetryable(`this offer is ${state.status}`, OfferFailure.NotOpen, { offerStatus: state.status });
    }
  };
  const supersede = (byOfferId: string) => {
    end('superseded', `offer ${byOfferId}`);
    state.supersededBy = byOfferId;
  };
  const customer = { kind: 'customer', id: input.customerId } as const;
  const audit = (action: string, requested: RequestedBy | undefined, by: RequestedBy['actor'], details: Record<string, unknown> = {}) =>
    auditChange({
      partnerId: input.partnerId,
      actor: requested?.actor ?? by,
      action,
      target: { kind: 'offer', id: input.offerId },
      requestId: requested?.requestId,
      details: { customerId: input.customerId, ...details },
    });
  let recorded = false;
  // A purchase under way: the offer counts as accepted (a second acceptance is refused) but is not
  // over until the onboarding has bought; a refused purchase leaves it open, still expiring on time.
  // Flows from before this stopped waiting at the acceptance and ended as sent when it was refused.
  const openWhileBuying = patched('offer-open-while-buying');
  let buying = false;

  // A joining offer (published, accepted by someone not onboarding with the partner): its first
  // acceptance makes the customer the partner's (tenant registered, onboarding started without a
  // trial); only then is the offer stored. A refused join ends it having stored nothing.
  let joining: Promise<void> | undefined;
  let joined = !input.joining;
  let joinRefused = false;
  let customerCreated: boolean | undefined;
  const join = async (who: AcceptingCustomer) => {
    try {
      // one already onboarding (a race with an invitation) takes the purchase as well
      const { customer: c } = await onboardCustomer(input.partnerId, who, {
        offerId: input.offerId,
        purchaseBy: input.expiresAt,
        reminderOffsetsMs: [],
        gracePeriodMs: 0,
      });
      customerCreated = c.created;
      joined = true;
    } catch (err) {
      joinRefused = true;
      throw err;
    }
  };

  setHandler(offerStateQuery, () => state);
  setHandler(offerRecordedUpdate, async () => {
    await condition(() => recorded);
    return state;
  });
  setHandler(supersedeOfferSignal, ({ byOfferId }) => {
    if (state.status === 'sent') supersede(byOfferId); // accepted or ended meanwhile: it keeps that status
  });
  setHandler(
    supersedeOfferUpdate,
    async ({ byOfferId }) => {
      await condition(() => recorded);
      refuseUnlessOpen();
      supersede(byOfferId);
      await persist();
      return state;
    },
    { validator: (_request) => refuseUnlessOpen() },
  );
  setHandler(
    acceptOfferUpdate,
    async ({ licenses = {} as Record<string, number>, delegatedAdmin, by, requested, join: who }) => {
      if (!joined) await (joining ??= join(who!));
      await condition(() => recorded);
      refuseUnlessOpen();
      state.status = 'accepted'; // at once: a concurrent second acceptance is refused by the validator
      state.endedAt = isoNow();
      state.endedBy = by;
      const items = input.items.map((item) => ({ ...item, licenses: licenses[item.sku] ?? item.licenses }));
      state.items = items.map(({ sku, licenses: n }) => ({ sku, licenses: n }));
      let result: PurchaseResult;
      buying = true;
      try {
        result = await purchaseThroughOnboarding(input.partnerId, input.customerId, {
          offerId: input.offerId,
          items,
          partnerEmail: input.partnerEmail,
          billingPeriodMs: input.billingPeriodMs,
          cancellationWindowMs: input.cancellationWindowMs,
          delegatedAdmin:
            input.delegatedAdmin && delegatedAdmin
              ? { ...input.delegatedAdmin, relationshipId: delegatedAdmin.relationshipId, agreed: delegatedAdmin.agreed, partnerEmail: input.partnerEmail }
              : undefined,
          by,
        });
      } catch (err) {
        // The purchase was refused (e.g. the trial is gone): the offer stays open.
        state.status = 'sent';
        state.endedAt = undefined;
        state.endedBy = undefined;
        throw err;
      } finally {
        buying = false;
      }
      state.subscriptions = result.subscriptions.map(({ subscriptionId, sku, licenses: n }) => ({ subscriptionId, sku, licenses: n }));
      await persist();
      await audit('offer.accepted', requested, customer, { licenses: state.items });
      const bought = { subscriptions: result.subscriptions, delegatedAdmin: result.delegatedAdmin, newCustomer: customerCreated }; // absent ones are left out of the JSON
      await publish(offerEvent('offer.accepted', input, state, bought));
      return { ...state, subscriptions: result.subscriptions, delegatedAdmin: result.delegatedAdmin, customerCreated };
    },
    {
      validator: ({ licenses = {} as Record<string, number>, delegatedAdmin, join: who }) => {
        refuseUnlessOpen();
        if (!joined && !joining && !who) throw ApplicationFailure.nonRetryable('this offer is for customers of the partner', OfferFailure.NotOnboarding);
        if (joinRefused) throw ApplicationFailure.nonRetryable('this acceptance was refused', OfferFailure.NotOpen, { offerStatus: state.status });
        if (delegatedAdmin?.agreed && !input.delegatedAdmin) throw delegatedAdminNotOffered();
        for (const [sku, n] of Object.entries(licenses) as Array<[string, number]>) {
          const item = input.items.find((i) => i.sku === sku);
          if (!item) throw ApplicationFailure.nonRetryable(`${sku} is not in this offer`, OfferFailure.UnknownSku);
          const outOfBounds = licenseCountOutOfBounds(item, n);
          if (outOfBounds) throw ApplicationFailure.nonRetryable(outOfBounds, OfferFailure.OutOfBounds);
        }
      },
    },
  );
  const closeBy =
    (status: OfferStatus) =>
    async ({ by, requested }: CloseOfferRequest) => {
      await condition(() => recorded);
      refuseUnlessOpen();
      end(status, by);
      await persist();
      await audit(`offer.${status}`, requested, by === 'customer' ? customer : { kind: 'partner-user', id: by });
      if (status === 'declined') await publish(offerEvent('offer.declined', input, state));
      return state;
    };
  setHandler(declineOfferUpdate, closeBy('declined'), { validator: (_request) => refuseUnlessOpen() });
  setHandler(revokeOfferUpdate, closeBy('revoked'), { validator: (_request) => refuseUnlessOpen() });

  const msLeft = () => Math.max(1, Date.parse(input.expiresAt) - workflowNow().getTime());
  if (input.joining && (!(await condition(() => joined || joinRefused, msLeft())) || !joined)) {
    await condition(allHandlersFinished);
    return state; // nobody joined through it (in time): nothing was stored
  }
  await persist();
  await audit('offer.sent', input.requested, { kind: 'system', id: 'partner' }, { items: state.items });
  // Before it counts as sent: an older open offer is superseded by the time the partner hears of this one.
  if (patched('offer-announced-to-onboarding')) {
    await announceOfferToOnboarding({ offerId: input.offerId, partnerId: input.partnerId, customerId: input.customerId, sentAt: state.sentAt });
  }
  recorded = true;
  if (state.status === 'sent' && !input.joining) {
    await sendEmail({
      key: `${workflowInfo().workflowId}:sent`,
      partnerId: input.partnerId,
      customerId: input.customerId,
      to: input.customerEmail,
      subject: 'An offer from your partner',
      text: `${state.items.map((i) => `${i.sku} × ${i.licenses}`).join(', ')}. See and accept it at ${input.url} before ${input.expiresAt}.`,
      kind: 'offer-sent',
      at: isoNow(),
    });
  }
  if (!openWhileBuying) {
    if (!(await condition(() => state.status !== 'sent', msLeft()))) end('expired', 'system');
  } else {
    for (;;) {
      if (await condition(() => state.status !== 'sent' && !buying, msLeft())) break;
      if (!buying) {
        end('expired', 'system');
        break;
      }
      await condition(() => !buying); // it expired while a purchase was under way: that purchase decides
    }
  }
  await condition(allHandlersFinished);
  await persist(); // superseded and expired are stored here
  if (state.status === 'expired') await publish(offerEvent('offer.expired', input, state), 'expired');
  return state;
}
