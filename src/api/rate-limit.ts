import { Problem } from './problem';

/**
 * Token buckets per caller, in this process: `burst` requests at once, refilled
 * at `perMinute`. Beyond that a 429 with Retry-After.
 */
export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    readonly perMinute: number,
    readonly burst: number,
  ) {}

  take(key: string, now = Date.now()): void {
    const refill = this.perMinute / 60_000;
    const b = this.buckets.get(key) ?? { tokens: this.burst, at: now };
    b.tokens = Math.min(this.burst, b.tokens + (now - b.at) * refill);
    b.at = now;
    if (b.tokens < 1) {
      this.buckets.set(key, b);
      const retryAfter = Math.max(1, Math.ceil((1 - b.tokens) / refill / 1000));
      throw new Problem('rate-limited', `more than ${this.perMinute} requests a minute; retry in ${retryAfter} s`, {}, { 'Retry-After': String(retryAfter) });
    }
    b.tokens -= 1;
    this.buckets.set(key, b);
    if (this.buckets.size > 100_000) this.prune(now);
  }

  private prune(now: number): void {
    for (const [k, b] of this.buckets) if (now - b.at > 600_000) this.buckets.delete(k);
  }
}
