import { Problem } from './problem';

/**
 * Token buckets by key, in this process: `burst` tokens at once, refilled at
 * `perMinute`; a key unused for 10 minutes is forgotten once there are many.
 */
export class TokenBuckets {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    readonly perMinute: number,
    readonly burst: number,
  ) {}

  /** Seconds until `key` has a token again; 0 while it has one. */
  wait(key: string, now = Date.now()): number {
    const tokens = this.refilled(key, now).tokens;
    return tokens >= 1 ? 0 : Math.max(1, Math.ceil(((1 - tokens) * 60) / this.perMinute));
  }

  /** Takes a token from `key` (it may go below zero: a key that keeps trying waits longer). */
  spend(key: string, now = Date.now()): void {
    const b = this.refilled(key, now);
    b.tokens -= 1;
    this.buckets.set(key, b);
    if (this.buckets.size > 100_000) this.prune(now);
  }

  /** Gives back a token spent ahead (never beyond the burst). */
  refund(key: string, now = Date.now()): void {
    const b = this.refilled(key, now);
    b.tokens = Math.min(this.burst, b.tokens + 1);
    this.buckets.set(key, b);
  }

  private refilled(key: string, now: number): { tokens: number; at: number } {
    const b = this.buckets.get(key) ?? { tokens: this.burst, at: now };
    b.tokens = Math.min(this.burst, b.tokens + ((now - b.at) * this.perMinute) / 60_000);
    b.at = now;
    return b;
  }

  private prune(now: number): void {
    for (const [k, b] of this.buckets) if (now - b.at > 600_000) this.buckets.delete(k);
  }
}

/** Requests per caller: beyond the burst and rate, a 429 with Retry-After. */
export class RateLimiter {
  private readonly buckets: TokenBuckets;

  constructor(
    readonly perMinute: number,
    readonly burst: number,
  ) {
    this.buckets = new TokenBuckets(perMinute, burst);
  }

  take(key: string, now = Date.now()): void {
    const retryAfter = this.buckets.wait(key, now);
    if (retryAfter > 0) {
      throw new Problem('rate-limited', `more than ${this.perMinute} requests a minute; retry in ${retryAfter} s`, {}, { 'Retry-After': String(retryAfter) });
    }
    this.buckets.spend(key, now);
  }
}
