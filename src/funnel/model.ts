import { recordSchema } from '../db/record';

export const FUNNEL_STEPS = ['invited', 'trial', 'offer-sent', 'purchased', 'delegated-admin-active'] as const;
export type FunnelStep = (typeof FUNNEL_STEPS)[number];

/**
 * Who reached one step of a partner's funnel in one month (UTC), day by day:
 * the read model the dashboard's funnel is summed from, kept by the workflows'
 * activities as each step happens. A member is added with $addToSet on its
 * day, selecting by `_id` alone (the one lookup FerretDB answers without
 * reading the whole collection), so a retried activity changes nothing and a
 * count is exact: distinct members a day. A period reads one document per
 * step and month.
 */
export interface FunnelMonthDoc {
  /** `<partnerId>|<step>|<YYYY-MM>` */
  _id: string;
  partnerId: string;
  step: FunnelStep;
  month: string;
  /** By day of the month ("01"…"31"): customer ids; for `invited`, the e-mail addresses invited (or of the customers who came without one). */
  days: Map<string, string[]>;
}

export const funnelMonthSchema = recordSchema<FunnelMonthDoc>(
  {
    _id: { type: String, required: true },
    partnerId: { type: String, required: true },
    step: { type: String, required: true, enum: FUNNEL_STEPS },
    month: { type: String, required: true },
    days: { type: Map, of: [String], default: {} },
  },
  { collection: 'funnel_months' },
);

export const funnelMonthId = (partnerId: string, step: FunnelStep, month: string): string => `${partnerId}|${step}|${month}`;
