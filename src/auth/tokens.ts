import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { newId } from '../ids';

/**
 * API tokens: `ofp.<tokenId>.<secret>` for partner users. The id finds the
 * stored record; only a SHA-256 of the 256-bit secret is stored, and it is
 * compared in constant time. The full token is shown once, when issued.
 */
export const PARTNER_TOKEN_PREFIX = 'ofp';

export interface IssuedToken {
  tokenId: string;
  token: string;
  hash: string;
}

export function issueToken(prefix = PARTNER_TOKEN_PREFIX): IssuedToken {
  const tokenId = newId('tok');
  const secret = randomBytes(32).toString('base64url');
  return { tokenId, token: `${prefix}.${tokenId}.${secret}`, hash: hashSecret(secret) };
}

export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

/** Splits a presented token; undefined when it is not of our form. */
export function parseToken(token: string): { prefix: string; tokenId: string; secret: string } | undefined {
  const m = /^([a-z]{3})\.(tok_[A-Za-z0-9_-]{16})\.([A-Za-z0-9_-]{43})$/.exec(token);
  return m ? { prefix: m[1]!, tokenId: m[2]!, secret: m[3]! } : undefined;
}

/** Constant-time comparison of two hex digests (or of any two strings, via their digests). */
export function sameDigest(a: string, b: string): boolean {
  const x = Buffer.from(a, 'hex');
  const y = Buffer.from(b, 'hex');
  return x.length === y.length && x.length > 0 && timingSafeEqual(x, y);
}

export function secretMatches(secret: string, storedHash: string): boolean {
  return sameDigest(hashSecret(secret), storedHash);
}
