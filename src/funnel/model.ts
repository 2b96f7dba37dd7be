import { recordSchema } from '../db/record';

export const FUNNEL_STEPS = ['invited', 'trial', 'offer-sent', 'purchased', 'delegated-admin-active'] as const;
export type FunnelStep = (typeof FUNNEL_STEPS)[number];

/**
 * How many reached one step of a partner's funnel in one month (UTC), day by
 * day: what the dashboard's funnel sums (one small document per step and month).
 * Each day's count is the size of that day's set in `funnel_month_members`, set
 * by the one writer of the month (src/funnel/count.ts).
 */
export interface FunnelMonthDoc {
  /** `<partnerId>|<step>|<YYYY-MM>` */
  _id: string;
  partnerId: string;
  step: FunnelStep;
  month: string;
  /** By day of the month ("01"…"31"): distinct members that day. */
  days: Map<string, number>;
}

export const funnelMonthSchema = recordSchema<FunnelMonthDoc>(
  {
    _id: { type: String, required: true },
    partnerId: { type: String, required: true },
    step: { type: String, required: true, enum: FUNNEL_STEPS },
    month: { type: String, required: true },
    days: { type: Map, of: Number, default: {} },
  },
  { collection: 'funnel_months' },
);

/** Who was counted, by day: the sets the counts are the sizes of (same `_id` as the month's counts). */
export interface FunnelMonthMembersDoc {
  _id: string;
  /** By day: customer ids; for `invited`, the e-mail addresses invited (or of the customers who came without one). */
  days: Map<string, string[]>;
}

export const funnelMonthMembersSchema = recordSchema<FunnelMonthMembersDoc>(
  {
    _id: { type: String, required: true },
    days: { type: Map, of: [String], default: {} },
  },
  { collection: 'funnel_month_members' },
);

export const funnelMonthId = (partnerId: string, step: FunnelStep, month: string): string => `${partnerId}|${step}|${month}`;
