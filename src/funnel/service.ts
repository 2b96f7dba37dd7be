import type { ServiceDeps } from '../service-deps';
import { FUNNEL_STEPS, funnelMonthId, type FunnelStep } from './model';

export interface FunnelStepCount {
  step: FunnelStep;
  label: string;
  count: number;
  /** This step's count over the previous step's; null for the first step or after an empty one. */
  rate: number | null;
}

export interface Funnel {
  from: string;
  to: string;
  steps: FunnelStepCount[];
}

const LABELS: Record<FunnelStep, string> = {
  invited: 'Invited',
  trial: 'Trial started',
  'offer-sent': 'Offer sent',
  purchased: 'Purchased',
  'delegated-admin-active': 'Delegated admin active',
};

/** Each month (YYYY-MM) the period [from, to] touches. */
function monthsOf(from: string, to: string): string[] {
  const months: string[] = [];
  const d = new Date(`${from.slice(0, 7)}-01T00:00:00Z`);
  while (d.toISOString().slice(0, 7) <= to.slice(0, 7)) {
    months.push(d.toISOString().slice(0, 7));
    d.setUTCMonth(d.getUTCMonth() + 1);
  }
  return months;
}

/**
 * The partner's conversion funnel over a period of days (UTC, both ends
 * included): distinct members reaching each step per day, summed. Read from
 * the read model the workflows keep (src/funnel/count.ts): one lookup by `_id`
 * per step and month, whatever the number of customers.
 */
export function createFunnelService({ models }: Pick<ServiceDeps, 'models'>) {
  return {
    async get(partnerId: string, from: string, to: string): Promise<Funnel> {
      const months = monthsOf(from, to);
      const counts = await Promise.all(
        FUNNEL_STEPS.map(async (step) => {
          const docs = await Promise.all(months.map((m) => models.FunnelMonth.findById(funnelMonthId(partnerId, step, m)).lean()));
          let count = 0;
          for (const doc of docs) {
            if (!doc) continue;
            for (const [day, n] of Object.entries(doc.days ?? {})) {
              const date = `${doc.month}-${day}`;
              if (date >= from && date <= to) count += n as number;
            }
          }
          return count;
        }),
      );
      return {
        from,
        to,
        steps: FUNNEL_STEPS.map((step, i) => ({
          step,
          label: LABELS[step],
          count: counts[i]!,
          rate: i === 0 || counts[i - 1] === 0 ? null : Math.round((counts[i]! / counts[i - 1]!) * 1000) / 1000,
        })),
      };
    },
  };
}

export type FunnelService = ReturnType<typeof createFunnelService>;
