import { randomBytes, scrypt as scryptCallback, timingSafeEqual, type ScryptOptions } from 'node:crypto';

/** scrypt (Node's crypto, OpenSSL's implementation) at N=2^15, r=8, p=1: 32 MiB and tens of milliseconds a hash. */
const PARAMS = { N: 2 ** 15, r: 8, p: 1 } as const;
const KEY_BYTES = 32;

const scrypt = (password: string, salt: Buffer, keylen: number, options: ScryptOptions) =>
  new Promise<Buffer>((resolve, reject) => scryptCallback(password, salt, keylen, options, (err, key) => (err ? reject(err) : resolve(key))));

const options = (p: { N: number; r: number; p: number }): ScryptOptions => ({ ...p, maxmem: 128 * p.N * p.r * 2 });

/**
 * `scrypt$N$r$p$salt$hash` (base64url): the parameters travel with the hash, so they can be raised later.
 * The salt is random unless given (a one-time password derived from a request gets a salt derived with
 * it, so that a retry of the request computes the very hash the first attempt stored).
 */
export async function hashPassword(password: string, salt: Buffer = randomBytes(16)): Promise<string> {
  const key = await scrypt(password, salt, KEY_BYTES, options(PARAMS));
  return ['scrypt', PARAMS.N, PARAMS.r, PARAMS.p, salt.toString('base64url'), key.toString('base64url')].join('$');
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt' || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64url');
  const key = await scrypt(password, Buffer.from(salt, 'base64url'), expected.length, options({ N: Number(n), r: Number(r), p: Number(p) }));
  return key.length === expected.length && timingSafeEqual(key, expected);
}

const ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789';

/** A one-time password made of 16 bytes (random, or derived): 16 characters of an unambiguous alphabet, about 91 bits. */
export const oneTimePasswordFrom = (bytes: Buffer): string => Array.from(bytes.subarray(0, 16), (b) => ALPHABET[b % ALPHABET.length]).join('');

export const newOneTimePassword = (): string => oneTimePasswordFrom(randomBytes(16));
