import type { Models } from '../../src/db/models';

export function createSubscriptionActivities({ models }: { models: Models }) {
  return {
    /** Licenses of this SKU the customer has assigned to its users: a decrease may not go below. */
    async countAssignedLicenses(customerId: string, sku: string): Promise<number> {
      return models.CustomerUser.countDocuments({ customerId, assignedSkus: sku });
    },
  };
}

export type SubscriptionActivities = ReturnType<typeof createSubscriptionActivities>;
