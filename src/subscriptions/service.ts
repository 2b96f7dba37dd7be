import type { PartnerPrincipal } from '../auth/principal';
import type { CustomerService } from '../customers/service';
import type { DelegatedAdminService } from '../delegated-admin/service';
import { findOwned } from '../db/owned';
import { DomainError, notFound } from '../errors';
import { requestedBy, updateIdFor, type RequestScope } from '../request-scope';
import type { ServiceDeps } from '../service-deps';
import { callWorkflow } from '../temporal/failures';
import { changeLicensesUpdate, pricePreviewQuery, setRenewalUpdate } from '../../workflows/subscriptions/messages';
import { subscriptionWorkflowId } from '../../workflows/subscriptions/start';
import type { PricePreview } from '../../workflows/subscriptions/types';
import type { SubscriptionDoc } from './model';

/**
 * Subscriptions (workflows/subscriptions). A paid subscription's workflow is the
 * source of truth: a trial bought a moment ago is active there before its
 * stored record says so, and a trial never bought has no such workflow.
 */
export function createSubscriptionService(
  { models, temporal, updateWaitMs }: Pick<ServiceDeps, 'models' | 'temporal' | 'updateWaitMs'>,
  { customers, delegatedAdmin }: { customers: CustomerService; delegatedAdmin: DelegatedAdminService },
) {
  const notActive = (sub: SubscriptionDoc) => new DomainError('subscription-not-active', `subscription ${sub._id} is ${sub.status}`);
  const onSubscription = <T>(sub: SubscriptionDoc, act: (h: ReturnType<typeof temporal.workflow.getHandle>) => Promise<T>, waitMs?: number): Promise<T> => {
    if (sub.status !== 'active' && sub.status !== 'trial') throw notActive(sub);
    return callWorkflow(
      () => act(temporal.workflow.getHandle(subscriptionWorkflowId(sub._id))),
      async () => notActive((await models.Subscription.findById(sub._id).lean()) ?? sub), // over: its record is final now
      waitMs,
    );
  };
  const own = async (owner: { customerId: string; partnerId?: string }, subscriptionId: string): Promise<SubscriptionDoc> => {
    const sub = await findOwned(models.Subscription, subscriptionId, owner);
    if (!sub) throw notFound(`subscription ${subscriptionId}`);
    return sub;
  };
  /** Changes the license count through the subscription's workflow (which writes the audit entry); answers with the record it stored. */
  const change = async (sub: SubscriptionDoc, licenses: number, by: string, request: RequestScope): Promise<SubscriptionDoc> => {
    await onSubscription(
      sub,
      (h) => h.executeUpdate(changeLicensesUpdate, { updateId: updateIdFor(request, 'change'), args: [{ licenses, by, requested: requestedBy(request) }] }),
      updateWaitMs,
    );
    return (await models.Subscription.findById(sub._id).lean())!;
  };

  /** Sets through the subscription's workflow whether it renews (the workflow writes the audit entry); answers with the record it stored. */
  const setRenewal = async (sub: SubscriptionDoc, autoRenew: boolean, by: string, request: RequestScope): Promise<SubscriptionDoc> => {
    if (sub.status === 'trial') throw new DomainError('subscription-not-active', `subscription ${sub._id} is a trial: only a paid subscription renews`);
    await onSubscription(
      sub,
      (h) => h.executeUpdate(setRenewalUpdate, { updateId: updateIdFor(request, 'renewal'), args: [{ autoRenew, by, requested: requestedBy(request) }] }),
      updateWaitMs,
    );
    return (await models.Subscription.findById(sub._id).lean())!;
  };

  return {
    /** The customer's own subscriptions. */
    ofCustomer: (customerId: string): Promise<SubscriptionDoc[]> => models.Subscription.find({ customerId }).sort({ _id: 1 }).lean(),

    /** A customer's subscriptions of which the partner is partner of record. */
    async ofPartnersCustomer(partnerId: string, customerId: string): Promise<SubscriptionDoc[]> {
      await customers.requireCustomerOf(partnerId, customerId);
      return models.Subscription.find({ partnerId, customerId }).sort({ _id: 1 }).lean();
    },

    /** What changing to this many licenses would cost now (prorated), and whether a decrease is allowed. */
    async preview(customerId: string, subscriptionId: string, licenses: number): Promise<PricePreview> {
      return onSubscription(await own({ customerId }, subscriptionId), (h) => h.query(pricePreviewQuery, licenses, Date.now()));
    },

    /** The customer changes its license count. */
    async changeByCustomer(customerId: string, subscriptionId: string, licenses: number, request: RequestScope): Promise<SubscriptionDoc> {
      return change(await own({ customerId }, subscriptionId), licenses, 'customer', request);
    },

    /** The customer sets whether its subscription renews at the end of each billing period. */
    async setRenewalByCustomer(customerId: string, subscriptionId: string, autoRenew: boolean, request: RequestScope): Promise<SubscriptionDoc> {
      return setRenewal(await own({ customerId }, subscriptionId), autoRenew, 'customer', request);
    },

    /** A partner user (customer role full) sets it under active delegated administration, through the relationship's workflow. */
    async setRenewalByPartner(
      principal: PartnerPrincipal,
      customerId: string,
      subscriptionId: string,
      autoRenew: boolean,
      request: RequestScope,
    ): Promise<SubscriptionDoc> {
      const sub = await own({ customerId, partnerId: principal.partner._id }, subscriptionId);
      if (sub.status !== 'active' && sub.status !== 'trial') throw notActive(sub); // a trial: its workflow answers, once acting is allowed
      await delegatedAdmin.act(principal, customerId, { kind: 'set-renewal', subscriptionId, autoRenew, updateId: updateIdFor(request, 'renewal') }, request);
      return (await models.Subscription.findById(sub._id).lean())!;
    },

    /** A partner user (customer role full) changes it under active delegated administration: the relationship's workflow runs the change. */
    async changeByPartner(
      principal: PartnerPrincipal,
      customerId: string,
      subscriptionId: string,
      licenses: number,
      request: RequestScope,
    ): Promise<SubscriptionDoc> {
      const sub = await own({ customerId, partnerId: principal.partner._id }, subscriptionId);
      if (sub.status !== 'active' && sub.status !== 'trial') throw notActive(sub);
      await delegatedAdmin.act(principal, customerId, { kind: 'change-licenses', subscriptionId, licenses, updateId: updateIdFor(request, 'change') }, request);
      return (await models.Subscription.findById(sub._id).lean())!;
    },
  };
}

export type SubscriptionService = ReturnType<typeof createSubscriptionService>;
