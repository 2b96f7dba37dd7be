import { z } from 'zod';
import { FUNNEL_STEPS } from './model';

const day = z.iso.date().meta({ description: 'A day, YYYY-MM-DD (UTC)' });

export const MAX_FUNNEL_DAYS = 366;

export const funnelQuery = z
  .strictObject({
    from: day.optional().meta({ description: 'First day of the period (default: 29 days before `to`)' }),
    to: day.optional().meta({ description: 'Last day of the period, included (default: today)' }),
  })
  .transform((q, ctx) => {
    const to = q.to ?? new Date().toISOString().slice(0, 10);
    const from = q.from ?? new Date(Date.parse(`${to}T00:00:00Z`) - 29 * 86_400_000).toISOString().slice(0, 10);
    const days = (Date.parse(to) - Date.parse(from)) / 86_400_000 + 1;
    if (days < 1) ctx.addIssue({ code: 'custom', path: ['from'], message: 'must not be after `to`' });
    else if (days > MAX_FUNNEL_DAYS) ctx.addIssue({ code: 'custom', path: ['from'], message: `the period is at most ${MAX_FUNNEL_DAYS} days` });
    return { from, to };
  });

export const funnelOut = z.object({
  from: z.string(),
  to: z.string(),
  steps: z.array(
    z.object({
      step: z.enum(FUNNEL_STEPS),
      label: z.string(),
      count: z.number().int(),
      rate: z.number().nullable().meta({ description: "This step's count over the previous step's (null for the first, or after an empty step)" }),
    }),
  ),
});
