import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes } from 'node:crypto';

/**
 * What is kept of an Idempotency-Key: only digests and a sealed reply. The key
 * itself is never stored, and a reply (which may hold a secret shown once, such as
 * a new customer's token) is encrypted with a key derived from the caller's
 * Idempotency-Key, so that only a caller presenting that key again can read it.
 */

/** The record's id: a digest of the caller and its key. */
export const recordIdOf = (caller: string, key: string): string => createHash('sha256').update(`record\n${caller}\n${key}`, 'utf8').digest('hex');

/** The request's key as the services derive ids from it (another digest, so the record's id names no id). */
export const requestKeyOf = (caller: string, key: string): string => createHash('sha256').update(`request\n${caller}\n${key}`, 'utf8').digest('base64url');

const sealingKey = (caller: string, key: string) => Buffer.from(hkdfSync('sha256', `${caller}\n${key}`, 'offerflow idempotent reply', 'v1', 32));

export function seal(caller: string, key: string, value: unknown): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', sealingKey(caller, key), iv);
  const text = Buffer.concat([cipher.update(JSON.stringify(value), 'utf8'), cipher.final()]);
  return ['v1', iv, cipher.getAuthTag(), text].map((p) => (typeof p === 'string' ? p : p.toString('base64url'))).join('.');
}

export function unseal<T>(caller: string, key: string, sealed: string): T {
  const [version, iv, tag, text] = sealed.split('.');
  if (version !== 'v1' || !iv || !tag || text === undefined) throw new Error('not a sealed reply');
  const decipher = createDecipheriv('aes-256-gcm', sealingKey(caller, key), Buffer.from(iv, 'base64url'));
  decipher.setAuthTag(Buffer.from(tag, 'base64url'));
  return JSON.parse(Buffer.concat([decipher.update(Buffer.from(text, 'base64url')), decipher.final()]).toString('utf8')) as T;
}
