import type { Models } from '../../src/db/models';
import type { SubscriptionDoc } from '../../src/subscriptions/model';
import type { PartnerOfRecordRequestDoc } from '../../src/partner-of-record/model';
import type { Wire } from '../../src/db/record';
import { ApplicationFailure } from '@temporalio/activity';
import { withLock } from '../../src/db/lock';
import { LICENSED_STATUSES, licenseLockKey } from '../../src/customer-users/store';
import { SubscriptionFailure } from '../../workflows/subscriptions/failures';
import { saveSnapshot } from '../records';

/** A subscription as its workflow (or, for a trial, its onboarding) holds it. */
export type SubscriptionSnapshot = Wire<Omit<SubscriptionDoc, '_id'>> & { subscriptionId: string };

/** A change of the partner of record as the subscription's workflow holds it. */
export type PartnerOfRecordRequestSnapshot = Wire<Omit<PartnerOfRecordRequestDoc, '_id'>> & { requestId: string };

export function createSubscriptionActivities({ models }: { models: Models }) {
  return {
    /** Stores a change of the partner of record (a snapshot by revision: asked, then answered). */
    async savePartnerOfRecordRequest({ requestId, ...fields }: PartnerOfRecordRequestSnapshot): Promise<void> {
      await saveSnapshot(models.PartnerOfRecordRequest, requestId, fields);
    },

    async saveSubscription({ subscriptionId, ...fields }: SubscriptionSnapshot): Promise<void> {
      await saveSnapshot(models.Subscription, subscriptionId, fields);
    },

    /**
     * Stores a subscription that goes down in licenses, unless the customer's users hold more of its
     * SKU than its subscriptions would then hold; under the lock that assignments take, so that no
     * assignment slips in between the count and the store.
     */
    async saveLicenseDecrease({ subscriptionId, ...fields }: SubscriptionSnapshot): Promise<void> {
      const { customerId, sku, licenses } = fields;
      await withLock(models.CustomerUser.db, licenseLockKey(customerId), async () => {
        const [others, assigned] = await Promise.all([
          models.Subscription.find({ customerId, sku, status: { $in: LICENSED_STATUSES }, _id: { $ne: subscriptionId } }, { licenses: 1 }).lean(),
          models.CustomerUser.countDocuments({ customerId, assignedSkus: sku }),
        ]);
        const held = others.reduce((n, s) => n + s.licenses, licenses);
        if (assigned > held) {
          throw ApplicationFailure.nonRetryable(
            `${assigned} ${sku} licenses are assigned to users: unassign some before going down to ${licenses}`,
            SubscriptionFailure.BelowAssigned,
            { assigned },
          );
        }
        await saveSnapshot(models.Subscription, subscriptionId, fields);
      });
    },

    /** Licenses of this SKU the customer has assigned to its users (workflows from before saveLicenseDecrease). */
    async countAssignedLicenses(customerId: string, sku: string): Promise<number> {
      return models.CustomerUser.countDocuments({ customerId, assignedSkus: sku });
    },
  };
}

export type SubscriptionActivities = ReturnType<typeof createSubscriptionActivities>;
