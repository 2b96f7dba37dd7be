import type { Models } from '../../src/db/models';
import type { SubscriptionDoc } from '../../src/subscriptions/model';
import type { Wire } from '../../src/db/record';
import { saveSnapshot } from '../records';

/** A subscription as its workflow (or, for a trial, its onboarding) holds it. */
export type SubscriptionSnapshot = Wire<Omit<SubscriptionDoc, '_id'>> & { subscriptionId: string };

export function createSubscriptionActivities({ models }: { models: Models }) {
  return {
    async saveSubscription({ subscriptionId, ...fields }: SubscriptionSnapshot): Promise<void> {
      await saveSnapshot(models.Subscription, subscriptionId, fields);
    },

    /** Licenses of this SKU the customer has assigned to its users: a decrease may not go below. */
    async countAssignedLicenses(customerId: string, sku: string): Promise<number> {
      return models.CustomerUser.countDocuments({ customerId, assignedSkus: sku });
    },
  };
}

export type SubscriptionActivities = ReturnType<typeof createSubscriptionActivities>;
