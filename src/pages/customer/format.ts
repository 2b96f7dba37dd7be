/** How the customer pages write amounts, dates and roles (pages.js formats amounts the same way). */

const DAY_MS = 86_400_000;
/** A month, for prorating a monthly price over a billing period: a year's twelfth. */
const DAYS_PER_MONTH = 365 / 12;

/** An amount in minor units (cents) of `currency`, e.g. 1250 USD → $12.50. */
export function money(minor: number, currency: string): string {
  try {
    return new Intl.NumberFormat('en-US', { style: 'currency', currency }).format(minor / 100);
  } catch {
    return `${(minor / 100).toFixed(2)} ${currency}`;
  }
}

/**
 * How many months a billing period of `days` days is: a whole number of calendar months when it
 * is one (28 to 31 days a month: the default 30-day period is a month, 365 days are 12), otherwise prorated.
 */
export function periodMonths(days: number): number {
  const whole = Math.round(days / DAYS_PER_MONTH);
  return whole >= 1 && days >= 28 * whole && days <= 31 * whole ? whole : days / DAYS_PER_MONTH;
}

/** What a monthly amount comes to over a billing period of `days` days (in minor units). */
export const perPeriod = (monthlyMinor: number, days: number): number => Math.round(monthlyMinor * periodMonths(days));

/** A day as people write it: 29 November 2026 (UTC, as the server keeps time). */
export function day(at: Date | string): string {
  const d = typeof at === 'string' ? new Date(at) : at;
  if (Number.isNaN(d.getTime())) return String(at);
  return new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' }).format(d);
}

/** The day `days` days after `from`. */
export const daysAfter = (from: Date, days: number): Date => new Date(from.getTime() + days * DAY_MS);

/** "1 day", "30 days", "2.5 days". */
export const days = (n: number): string => `${n} ${n === 1 ? 'day' : 'days'}`;

export const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;

/** Delegated administration's role in words, and what it lets the partner do. */
export const ROLE_WORDS = {
  full: {
    name: 'Full: global administrator',
    does: "The partner's staff can manage everything in your company's tenant: users, licenses, settings and passwords.",
  },
  limited: {
    name: 'Limited: password administrator',
    does: "The partner's staff can reset your users' passwords, and nothing else.",
  },
} as const;

/** Only web addresses are made links (never javascript: or data:). */
export const isWebAddress = (s: string): boolean => /^https?:\/\/[^\s]+$/i.test(s);
