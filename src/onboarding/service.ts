import type { CustomerDoc } from '../customers/model';
import { findOwned } from '../db/owned';
import { DomainError, notFound } from '../errors';
import { requestedBy, updateIdFor, type RequestScope } from '../request-scope';
import type { ServiceDeps } from '../service-deps';
import type { SubscriptionDoc } from '../subscriptions/model';
import { callWorkflow, describeIfAny } from '../temporal/failures';
import { cancelTrialUpdate } from '../../workflows/onboarding/messages';
import { onboardingWorkflowId } from '../../workflows/onboarding/start';
import type { TimelineEventDoc } from './model';

/**
 * A customer's onboarding with one partner, the chain offerflow is named for
 * (workflows/onboarding): whether it runs, the customer ending its trial, and
 * the timeline its workflows write.
 */
export function createOnboardingService({ models, temporal, updateWaitMs }: Pick<ServiceDeps, 'models' | 'temporal' | 'updateWaitMs'>) {
  const handle = (partnerId: string, customerId: string) => temporal.workflow.getHandle(onboardingWorkflowId(partnerId, customerId));
  return {
    workflowId: onboardingWorkflowId,

    /** Whether the customer ever onboarded with the partner, and whether that still runs (undefined: never). */
    async status(partnerId: string, customerId: string): Promise<'running' | 'ended' | undefined> {
      const description = await describeIfAny(handle(partnerId, customerId));
      if (!description) return undefined;
      return description.status.name === 'RUNNING' ? 'running' : 'ended';
    },

    /** The customer ends its trial (running or suspended) before buying it: the trial is removed and the onboarding ends. */
    async cancelTrial(customer: CustomerDoc, subscriptionId: string, request: RequestScope): Promise<SubscriptionDoc> {
      const sub = await findOwned(models.Subscription, subscriptionId, { customerId: customer._id });
      if (!sub) throw notFound(`subscription ${subscriptionId}`);
      if (sub.status !== 'trial' && sub.status !== 'suspended')
        throw new DomainError('trial-not-cancellable', `subscription ${sub._id} is ${sub.status}, not a trial`);
      await callWorkflow(
        () =>
          handle(sub.partnerId, sub.customerId).executeUpdate(cancelTrialUpdate, {
            updateId: updateIdFor(request, 'cancel-trial'),
            args: [{ by: 'customer', requested: requestedBy(request) }],
          }),
        () => new DomainError('customer-not-onboarding', `the trial of subscription ${sub._id} has ended`),
        updateWaitMs,
      );
      return (await models.Subscription.findById(sub._id).lean())!;
    },

    /** Each stage of the customer's way with the partner, oldest first (the caller has checked it is the partner's customer). */
    timeline(partnerId: string, customerId: string): Promise<TimelineEventDoc[]> {
      return models.TimelineEvent.find({ partnerId, customerId }).sort({ at: 1, _id: 1 }).lean();
    },
  };
}

export type OnboardingService = ReturnType<typeof createOnboardingService>;
