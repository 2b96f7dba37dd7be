import type { PartnerPrincipal } from '../auth/principal';
import type { CustomerDoc } from '../customers/model';
import { findOwned } from '../db/owned';
import { DomainError, notFound } from '../errors';
import { idFor, requestedBy, updateIdFor, type RequestScope } from '../request-scope';
import type { ServiceDeps } from '../service-deps';
import type { SubscriptionDoc } from '../subscriptions/model';
import { callWorkflow } from '../temporal/failures';
import { DEFAULT_PARTNER_OF_RECORD_ANSWER_MS } from '../../workflows/durations';
import { answerPartnerOfRecordChangeUpdate, removePartnerOfRecordUpdate, requestPartnerOfRecordChangeUpdate } from '../../workflows/subscriptions/messages';
import { subscriptionWorkflowId } from '../../workflows/subscriptions/start';
import type { PartnerOfRecordRequestDoc } from './model';

/**
 * A subscription's partner of record (workflows/subscriptions): the customer asks another partner of
 * its cloud to take it over, or removes it; the asked partner accepts or declines. Every change is
 * an update of the subscription's workflow, which stores it, audits it and tells both partners.
 */
export function createPartnerOfRecordService({ models, temporal, updateWaitMs }: Pick<ServiceDeps, 'models' | 'temporal' | 'updateWaitMs'>) {
  const notActive = (sub: Pick<SubscriptionDoc, '_id' | 'status'>) =>
    new DomainError('subscription-not-active', `subscription ${sub._id} is ${sub.status}: only an active paid subscription changes its partner of record`);
  const activeOf = async (customerId: string, subscriptionId: string): Promise<SubscriptionDoc> => {
    const sub = await findOwned(models.Subscription, subscriptionId, { customerId });
    if (!sub) throw notFound(`subscription ${subscriptionId}`);
    if (sub.status !== 'active') throw notActive(sub);
    return sub;
  };
  const onSubscription = <T>(
    subscriptionId: string,
    act: (h: ReturnType<typeof temporal.workflow.getHandle>) => Promise<T>,
    whenGone: () => Promise<DomainError>,
  ) => callWorkflow(() => act(temporal.workflow.getHandle(subscriptionWorkflowId(subscriptionId))), whenGone, updateWaitMs);
  const subscriptionGone = (subscriptionId: string) => async () => {
    const sub = await models.Subscription.findById(subscriptionId).lean();
    return sub ? notActive(sub) : notFound(`subscription ${subscriptionId}`);
  };

  /** One request that asks this partner (another partner's: not found). */
  const get = async (partnerId: string, requestId: string): Promise<PartnerOfRecordRequestDoc> => {
    const found = await findOwned(models.PartnerOfRecordRequest, requestId, { toPartnerId: partnerId });
    if (!found) throw notFound(`partner-of-record request ${requestId}`);
    return found;
  };

  return {
    get,

    /** The customer asks another partner of its cloud (a subscription advisor) to become the partner of record; answers with the stored request. */
    async requestChange(
      customer: CustomerDoc,
      subscriptionId: string,
      body: { partnerId: string; answerWithinSeconds?: number },
      request: RequestScope,
    ): Promise<PartnerOfRecordRequestDoc> {
      await activeOf(customer._id, subscriptionId);
      const partner = await models.Partner.findById(body.partnerId).lean();
      if (!partner) throw new DomainError('partner-not-found', `no partner ${body.partnerId}`, { partnerId: body.partnerId });
      if (partner.cloud !== customer.cloud) {
        throw new DomainError('cloud-mismatch', `partner ${partner._id} works in the ${partner.cloud} cloud, the customer in the ${customer.cloud} cloud`);
      }
      if (!partner.authorisations.includes('subscription-advisor')) {
        throw new DomainError('partner-not-subscription-advisor', `partner ${partner._id} is not a subscription advisor, so it cannot be a partner of record`);
      }
      const requestId = idFor(request, 'por');
      await onSubscription(
        subscriptionId,
        (h) =>
          h.executeUpdate(requestPartnerOfRecordChangeUpdate, {
            updateId: updateIdFor(request, 'partner-of-record-change'),
            args: [
              {
                requestId,
                to: { partnerId: partner._id, email: partner.profile.email },
                answerWithinMs: body.answerWithinSeconds === undefined ? DEFAULT_PARTNER_OF_RECORD_ANSWER_MS : body.answerWithinSeconds * 1000,
                requested: requestedBy(request),
              },
            ],
          }),
        subscriptionGone(subscriptionId),
      );
      return (await models.PartnerOfRecordRequest.findById(requestId).lean())!;
    },

    /** The customer removes the partner of record (withdrawing a pending change); answers with the subscription as stored. */
    async remove(customerId: string, subscriptionId: string, request: RequestScope): Promise<SubscriptionDoc> {
      await activeOf(customerId, subscriptionId);
      await onSubscription(
        subscriptionId,
        (h) =>
          h.executeUpdate(removePartnerOfRecordUpdate, {
            updateId: updateIdFor(request, 'partner-of-record-removal'),
            args: [{ requested: requestedBy(request) }],
          }),
        subscriptionGone(subscriptionId),
      );
      return (await models.Subscription.findById(subscriptionId).lean())!;
    },

    /** The requests that ask this partner (newest first, at most 100). */
    list: (partnerId: string, status?: PartnerOfRecordRequestDoc['status']): Promise<PartnerOfRecordRequestDoc[]> =>
      models.PartnerOfRecordRequest.find({ toPartnerId: partnerId, ...(status ? { status } : {}) })
        .sort({ _id: -1 })
        .limit(100)
        .lean(),

    /** The asked partner accepts (it becomes the partner of record) or declines; answers with the request as stored. */
    async answer(principal: PartnerPrincipal, requestId: string, accept: boolean, request: RequestScope): Promise<PartnerOfRecordRequestDoc> {
      const asked = await get(principal.partner._id, requestId);
      await onSubscription(
        asked.subscriptionId,
        (h) =>
          h.executeUpdate(answerPartnerOfRecordChangeUpdate, {
            updateId: updateIdFor(request, 'partner-of-record-answer'),
            args: [{ requestId, partnerId: principal.partner._id, accept, requested: requestedBy(request) }],
          }),
        async () =>
          new DomainError('partner-of-record-request-not-pending', `the subscription ${asked.subscriptionId} has ended: request ${requestId} takes no answer`, {
            status: (await models.PartnerOfRecordRequest.findById(requestId).lean())?.status ?? asked.status,
          }),
      );
      return (await models.PartnerOfRecordRequest.findById(requestId).lean())!;
    },

    /** A subscription the partner sold or is the partner of record of (anyone else's: not found). */
    async subscriptionOf(partnerId: string, subscriptionId: string): Promise<SubscriptionDoc> {
      const sub = await models.Subscription.findById(subscriptionId).lean();
      if (!sub || (sub.partnerId !== partnerId && sub.partnerOfRecordId !== partnerId)) throw notFound(`subscription ${subscriptionId}`);
      return sub;
    },
  };
}

export type PartnerOfRecordService = ReturnType<typeof createPartnerOfRecordService>;
