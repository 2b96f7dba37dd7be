import { addressKey, AuthFailureLimiter } from '../../src/api/auth-failures';
import { Problem } from '../../src/api/problem';

const unauthenticated = () => Promise.reject(new Problem('unauthenticated', 'no'));
const unavailable = () => Promise.reject(new Problem('dependency-unavailable', 'MongoDB is unavailable'));
const status = (p: Promise<unknown>) =>
  p.then(
    () => 200,
    (err: Problem) => err.status,
  );

describe('the failed-authentication budget', () => {
  it('answers 429 once an address has spent it, before authenticating; other addresses are unaffected', async () => {
    const limiter = new AuthFailureLimiter(1, 2);
    let lookups = 0;
    const bad = () => {
      lookups++;
      return unauthenticated();
    };
    expect(await Promise.all([1, 2, 3, 4].map(() => status(limiter.guard('10.0.0.1', 'Bearer x', bad))))).toEqual([401, 401, 429, 429]);
    expect(lookups).toBe(2);
    await expect(limiter.guard('10.0.0.1', 'Bearer x', bad)).rejects.toMatchObject({
      slug: 'rate-limited',
      headers: { 'Retry-After': expect.stringMatching(/^\d+$/) },
    });
    expect(await status(limiter.guard('10.0.0.2', 'Bearer x', bad))).toBe(401);
  });

  it('successes and failures to check (a dependency down) spend nothing', async () => {
    const limiter = new AuthFailureLimiter(1, 1);
    for (let i = 0; i < 5; i++) expect(await status(limiter.guard('10.0.0.1', `Bearer good-${i}`, () => Promise.resolve('ok')))).toBe(200);
    for (let i = 0; i < 5; i++) expect(await status(limiter.guard('10.0.0.1', 'Bearer x', unavailable))).toBe(503);
    expect(await status(limiter.guard('10.0.0.1', 'Bearer x', unauthenticated))).toBe(401);
    expect(await status(limiter.guard('10.0.0.1', 'Bearer x', unauthenticated))).toBe(429);
    // good lately: still checked, not refused; once it fails (revoked), it is like any other
    expect(await status(limiter.guard('10.0.0.1', 'Bearer good-1', () => Promise.resolve('ok')))).toBe(200);
    expect(await status(limiter.guard('10.0.0.1', 'Bearer good-1', unauthenticated))).toBe(401);
    expect(await status(limiter.guard('10.0.0.1', 'Bearer good-1', () => Promise.resolve('ok')))).toBe(429);
  });

  it('keys an address by itself (IPv4) or its /64 (IPv6)', () => {
    expect(addressKey('192.0.2.7')).toBe('192.0.2.7');
    expect(addressKey('::ffff:192.0.2.7')).toBe('192.0.2.7');
    expect(addressKey('2001:db8:1:2:aaaa::1')).toBe('2001:db8:1:2::/64');
    expect(addressKey('2001:db8:1:2:bbbb:cccc:dddd:eeee')).toBe('2001:db8:1:2::/64');
    expect(addressKey('2001:db8::1')).toBe('2001:db8:0:0::/64');
    expect(addressKey('::1')).toBe('0:0:0:0::/64');
    expect(addressKey('fe80::1%eth0')).toBe('fe80:0:0:0::/64');
    expect(addressKey(undefined)).toBe('unknown');
  });
});
