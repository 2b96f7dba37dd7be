import { createHash } from 'node:crypto';
import { Problem } from './problem';
import { TokenBuckets } from './rate-limit';

/** How long, and for how many credentials, a good credential skips the failure budget. */
const ACCEPTED_FOR_MS = 10 * 60_000;
const ACCEPTED_MAX = 10_000;

/**
 * Failed authentications per client address, in this process: `burst` at once,
 * refilled at `perMinute`. An address with none left is answered 429 before its
 * credentials are looked up, so guessing costs the database nothing.
 *
 * Each attempt takes one ahead (so that many concurrent attempts cannot all
 * slip past before the first fails), given back when the credentials are good
 * or the check could not be made (a dependency down). Credentials that were
 * good recently skip the budget: a caller whose address others keep failing
 * from (a NAT, a proxy) is not locked out with them.
 */
export class AuthFailureLimiter {
  private readonly failures: TokenBuckets;
  private readonly accepted = new Map<string, number>();

  constructor(
    readonly perMinute: number,
    readonly burst: number,
  ) {
    this.failures = new TokenBuckets(perMinute, burst);
  }

  async guard<T>(address: string | undefined, credential: string | undefined, authenticate: () => Promise<T>): Promise<T> {
    const digest = credential === undefined ? undefined : createHash('sha256').update(credential).digest('base64url');
    const known = digest !== undefined && (this.accepted.get(digest) ?? 0) > Date.now();
    const key = addressKey(address);
    if (!known) {
      const retryAfter = this.failures.wait(key);
      if (retryAfter > 0) {
        throw new Problem(
          'rate-limited',
          `too many failed authentications from this address; retry in ${retryAfter} s`,
          {},
          { 'Retry-After': String(retryAfter) },
        );
      }
      this.failures.spend(key);
    }
    try {
      const principal = await authenticate();
      if (!known) this.failures.refund(key);
      if (digest !== undefined) this.remember(digest);
      return principal;
    } catch (err) {
      const failed = err instanceof Problem && err.slug === 'unauthenticated';
      if (failed && digest !== undefined) this.accepted.delete(digest);
      if (failed && known) this.failures.spend(key);
      if (!failed && !known) this.failures.refund(key);
      throw err;
    }
  }

  private remember(digest: string): void {
    this.accepted.delete(digest); // re-inserted last: the map's order is oldest first
    this.accepted.set(digest, Date.now() + ACCEPTED_FOR_MS);
    if (this.accepted.size > ACCEPTED_MAX) this.accepted.delete(this.accepted.keys().next().value!);
  }
}

/**
 * The budget's key for a client address: an IPv4 address, or an IPv6 address's
 * /64 (one subscriber's network: its hosts pick addresses in it freely).
 */
export function addressKey(address: string | undefined): string {
  if (!address) return 'unknown';
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return mapped[1]!;
  if (!address.includes(':')) return address;
  const [head = '', tail] = address.split('%')[0]!.split('::');
  const first = head ? head.split(':') : [];
  const last = tail ? tail.split(':') : [];
  const groups = tail === undefined ? first : [...first, ...new Array<string>(Math.max(0, 8 - first.length - last.length)).fill('0'), ...last];
  return `${groups
    .slice(0, 4)
    .map((g) => parseInt(g, 16).toString(16))
    .join(':')}::/64`;
}
