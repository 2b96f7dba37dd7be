import { hkdfSync, randomBytes } from 'node:crypto';

/**
 * The key that signs list cursors. Derived (HKDF-SHA256) from the operator token,
 * which every API process of a deployment already has: no new setting, nothing
 * stored, and the same key in each process, so a cursor from one is honoured by
 * the others. Changing the operator token retires the cursors in flight (400
 * invalid-cursor: the caller starts the list again). Without an operator token
 * the key is random, and cursors hold only on the process that issued them.
 */
export function cursorKeyFor(operatorToken: string | undefined): Buffer {
  if (!operatorToken) return randomBytes(32);
  return Buffer.from(hkdfSync('sha256', operatorToken, 'offerflow api', 'offerflow list cursors v1', 32));
}

/**
 * The key pages sign their CSRF tokens and sessions with: derived from the
 * operator token like the cursors' key (another purpose, another key); random
 * without one (then a page session holds only on the process that made it).
 */
export function pageKeyFor(operatorToken: string | undefined): Buffer {
  if (!operatorToken) return randomBytes(32);
  return Buffer.from(hkdfSync('sha256', operatorToken, 'offerflow api', 'offerflow pages v1', 32));
}
