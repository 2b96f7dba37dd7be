import type { Models } from '../../src/db/models';

/** An offer sent to nobody this long after it was made belongs to a request that failed and was not retried. */
export const UNSENT_OFFER_AFTER_MS = 3600_000;
/** How far back each run looks (runs are hourly; a day covers any outage of the schedule's worker). */
const LOOK_BACK_MS = 48 * 3600_000;

export function createMaintenanceActivities({ models }: { models: Models }) {
  return {
    /** Forgets Idempotency-Keys past their 24 hours (what a TTL index would do; FerretDB has none). */
    async deleteExpiredIdempotencyKeys(nowIso: string): Promise<number> {
      const res = await models.IdempotencyKey.deleteMany({ expiresAt: { $lt: new Date(nowIso) } });
      return res.deletedCount;
    },

    /**
     * Removes offers (and their links) that no customer's offer workflow ever took up: the
     * request that made one failed before starting any and was never retried. A retry later
     * makes the offer again under the same id. Nobody was given its link.
     */
    async deleteUnsentOffers(nowIso: string): Promise<number> {
      const now = new Date(nowIso).getTime();
      const candidates = await models.Offer.find(
        { createdAt: { $lt: new Date(now - UNSENT_OFFER_AFTER_MS), $gt: new Date(now - LOOK_BACK_MS) } },
        { _id: 1, code: 1 },
      ).lean();
      if (candidates.length === 0) return 0;
      const sent = new Set(await models.OfferRecipient.distinct('offerId', { offerId: { $in: candidates.map((o) => o._id) } }));
      const unsent = candidates.filter((o) => !sent.has(o._id));
      if (unsent.length === 0) return 0;
      await models.LinkCode.deleteMany({ _id: { $in: unsent.map((o) => o.code) } });
      await models.Offer.deleteMany({ _id: { $in: unsent.map((o) => o._id) } });
      return unsent.length;
    },
  };
}

export type MaintenanceActivities = ReturnType<typeof createMaintenanceActivities>;
