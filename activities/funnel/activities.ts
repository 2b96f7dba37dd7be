import type { Models } from '../../src/db/models';
import { countInFunnel, type FunnelEntry } from '../../src/funnel/count';

export function createFunnelActivities({ models }: { models: Models }) {
  return {
    /** Counts members into the partner's funnel (src/funnel): sets, so a retry changes nothing. */
    async countInFunnel(entries: FunnelEntry[]): Promise<void> {
      for (const e of entries) await countInFunnel(models, e);
    },
  };
}

export type FunnelActivities = ReturnType<typeof createFunnelActivities>;
