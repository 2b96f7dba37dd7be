import type { Models } from '../../src/db/models';

export function createMaintenanceActivities({ models }: { models: Models }) {
  return {
    /** Forgets Idempotency-Keys past their 24 hours (what a TTL index would do; FerretDB has none). */
    async deleteExpiredIdempotencyKeys(nowIso: string): Promise<number> {
      const res = await models.IdempotencyKey.deleteMany({ expiresAt: { $lt: new Date(nowIso) } });
      return res.deletedCount;
    },
  };
}

export type MaintenanceActivities = ReturnType<typeof createMaintenanceActivities>;
