import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { newId } from '../ids';

/**
 * API tokens: `ofp.<partnerId>.<userId>.<tokenId>.<secret>` for partner users.
 * The ids are not secret: they let the token, its user and its partner be read
 * at once. Only a SHA-256 of the 256-bit secret is stored, compared in constant
 * time. The full token is shown once, when issued.
 */
export const PARTNER_TOKEN_PREFIX = 'ofp';
/** Customer tokens: `ofc.<customerId>.<tokenId>.<secret>`. */
export const CUSTOMER_TOKEN_PREFIX = 'ofc';

export interface IssuedToken {
  tokenId: string;
  token: string;
  hash: string;
}

export function issueToken(owner: { partnerId: string; userId: string }, prefix = PARTNER_TOKEN_PREFIX, tokenId = newId('tok')): IssuedToken {
  const secret = randomBytes(32).toString('base64url');
  return { tokenId, token: `${prefix}.${owner.partnerId}.${owner.userId}.${tokenId}.${secret}`, hash: hashSecret(secret) };
}

export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

export interface ParsedToken {
  prefix: string;
  partnerId: string;
  userId: string;
  tokenId: string;
  secret: string;
}

/** Splits a presented token; undefined when it is not of our form. */
export function parseToken(token: string): ParsedToken | undefined {
  const m = /^([a-z]{3})\.([A-Za-z0-9_-]{1,64})\.([A-Za-z0-9_-]{1,64})\.(tok_[A-Za-z0-9_-]{16})\.([A-Za-z0-9_-]{43})$/.exec(token);
  return m ? { prefix: m[1]!, partnerId: m[2]!, userId: m[3]!, tokenId: m[4]!, secret: m[5]! } : undefined;
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

/** A customer token; `tokenId` names it when a request issues it again on a retry (replacing the one it issued before). */
export function issueCustomerToken(customerId: string, tokenId = newId('tok')): IssuedToken {
  const secret = randomBytes(32).toString('base64url');
  return { tokenId, token: `${CUSTOMER_TOKEN_PREFIX}.${customerId}.${tokenId}.${secret}`, hash: hashSecret(secret) };
}

export function parseCustomerToken(token: string): { customerId: string; tokenId: string; secret: string } | undefined {
  const m = /^ofc\.([A-Za-z0-9_-]{1,64})\.(tok_[A-Za-z0-9_-]{16})\.([A-Za-z0-9_-]{43})$/.exec(token);
  return m ? { customerId: m[1]!, tokenId: m[2]!, secret: m[3]! } : undefined;
}
