import { decodeCursor, encodeCursor } from '../../src/db/pagination';
import { DomainError } from '../../src/errors';
import { canonicalJson } from '../../src/api/idempotency';
import { Problem } from '../../src/api/problem';
import { RateLimiter } from '../../src/api/rate-limit';
import { parseToken, issueToken, secretMatches } from '../../src/auth/tokens';
import { ShardedCollection } from '../../src/db/sharded';

describe('cursors', () => {
  it('round-trip a position for the same query and refuse any other', () => {
    const c = encodeCursor(42, { q: 'wind' });
    expect(decodeCursor(c, { q: 'wind' }, 'number')).toBe(42);
    expect(decodeCursor(undefined, { q: 'wind' }, 'number')).toBeUndefined();
    expect(() => decodeCursor(c, { q: 'stone' }, 'number')).toThrow(DomainError);
    expect(() => decodeCursor(c, { q: 'wind' }, 'string')).toThrow(DomainError);
    expect(() => decodeCursor('bm90LWpzb24', { q: 'wind' }, 'number')).toThrow(DomainError);
  });
});

describe('canonical JSON', () => {
  it('is the same for the same data in any key order', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { y: 2, x: 1 }], c: null } })).toBe(canonicalJson({ a: { c: null, d: [1, { x: 1, y: 2 }] }, b: 1 }));
    expect(canonicalJson({ a: 1 })).not.toBe(canonicalJson({ a: '1' }));
  });
});

describe('rate limiter', () => {
  it('allows the burst, then refills at the rate', () => {
    const limiter = new RateLimiter(60, 3);
    const t = 1_000_000;
    for (let i = 0; i < 3; i++) limiter.take('k', t);
    expect(() => limiter.take('k', t)).toThrow(Problem);
    expect(() => limiter.take('other', t)).not.toThrow();
    expect(() => limiter.take('k', t + 1000)).not.toThrow(); // one per second at 60/min
    try {
      limiter.take('k', t + 1000);
    } catch (err) {
      expect((err as Problem).headers['Retry-After']).toBe('1');
    }
  });
});

describe('tokens', () => {
  it('carry 256 random bits, parse back, and match only their own secret', () => {
    const a = issueToken({ partnerId: 'ptn_1', userId: 'usr_1' });
    const b = issueToken({ partnerId: 'ptn_1', userId: 'usr_1' });
    expect(a.token).not.toBe(b.token);
    const parsed = parseToken(a.token)!;
    expect(parsed).toMatchObject({ prefix: 'ofp', partnerId: 'ptn_1', userId: 'usr_1', tokenId: a.tokenId });
    expect(Buffer.from(parsed.secret, 'base64url')).toHaveLength(32);
    expect(secretMatches(parsed.secret, a.hash)).toBe(true);
    expect(secretMatches(parsed.secret, b.hash)).toBe(false);
    expect(parseToken(`${a.token}x`)).toBeUndefined();
    expect(parseToken('Bearer nonsense')).toBeUndefined();
  });
});

describe('sharded collections', () => {
  it('spread ids evenly over their shards', () => {
    const s = new ShardedCollection({} as never, 'x', 256);
    const counts = new Array(256).fill(0);
    for (let i = 0; i < 100_000; i++) counts[s.shardOf(`ptn_abc|${i.toString(36)}`)]++;
    expect(Math.min(...counts)).toBeGreaterThan(300);
    expect(Math.max(...counts)).toBeLessThan(500);
  });
});

describe('Temporal errors', () => {
  const grpcError = (code: number, details: string) => Object.assign(new Error(`${code} ${details}`), { code, details, metadata: {} });
  const { isTemporalBusy, isTemporalUnavailable } = require('../../src/temporal/client') as typeof import('../../src/temporal/client');
  it('tells a busy server (too many updates in flight) from an unreachable one, through causes', () => {
    const busy = Object.assign(new Error('Workflow Update failed'), {
      cause: grpcError(8, 'limit on number of concurrent in-flight updates has been reached (10)'),
    });
    expect(isTemporalBusy(busy)).toBe(true);
    expect(isTemporalUnavailable(busy)).toBe(false);
    const down = Object.assign(new Error('failed'), { cause: grpcError(14, 'No connection established') });
    expect(isTemporalUnavailable(down)).toBe(true);
    expect(isTemporalBusy(down)).toBe(false);
    expect(isTemporalBusy(new Error('other'))).toBe(false);
  });
});
