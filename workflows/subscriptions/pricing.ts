/**
 * Billing arithmetic, pure (used by the workflow and its query alike): the
 * current period runs from the last renewal (purchase + k periods); a change
 * costs (or refunds) its share of the period that is left.
 */
export function currentPeriod(purchasedAtMs: number, periodMs: number, nowMs: number): { start: number; end: number } {
  const k = Math.max(0, Math.floor((nowMs - purchasedAtMs) / periodMs));
  const start = purchasedAtMs + k * periodMs;
  return { start, end: start + periodMs };
}

export function proratedAmount(deltaLicenses: number, priceMinor: number, period: { start: number; end: number }, nowMs: number): number {
  const left = Math.max(0, period.end - nowMs) / (period.end - period.start);
  return Math.round(deltaLicenses * priceMinor * left);
}
