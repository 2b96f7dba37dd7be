import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Request, Response } from 'express';

/** The cookies pages keep: a signed-in partner user's token, a customer's token, and the CSRF seed. */
export const COOKIES = { partner: 'offerflow_partner', customer: 'offerflow_customer', csrf: 'offerflow_csrf' } as const;
type CookieName = (typeof COOKIES)[keyof typeof COOKIES];

const SESSION_MAX_AGE_S = 8 * 3600;

/** Cookies are Secure when people reach the service over https (its PUBLIC_URL; a TLS-terminating proxy in front is the usual case). */
export const secureCookies = (publicUrl: string): boolean => publicUrl.startsWith('https:');

export function readCookie(req: Request, name: CookieName): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) {
      try {
        return decodeURIComponent(part.slice(eq + 1).trim()) || undefined;
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}

/** HttpOnly (no script reads it), SameSite=Lax (sent when a link is followed, not on another site's form), Secure over https. */
export function setCookie(res: Response, name: CookieName, value: string, secure: boolean, maxAgeS = SESSION_MAX_AGE_S): void {
  const attrs = [`${name}=${encodeURIComponent(value)}`, 'Path=/', 'HttpOnly', 'SameSite=Lax', `Max-Age=${maxAgeS}`];
  if (secure) attrs.push('Secure');
  res.append('Set-Cookie', attrs.join('; '));
}

export function clearCookie(res: Response, name: CookieName, secure: boolean): void {
  setCookie(res, name, '', secure, 0);
}

/**
 * CSRF protection by double submit: the browser holds a random seed in a cookie
 * another site can neither read nor set, and every form carries an HMAC of it.
 * Returns the form's token, setting the seed first when the browser has none.
 */
export function csrfTokenFor(req: Request, res: Response, key: Buffer, secure: boolean): string {
  let seed = readCookie(req, COOKIES.csrf);
  if (!seed || !/^[A-Za-z0-9_-]{32}$/.test(seed)) {
    seed = randomBytes(24).toString('base64url');
    setCookie(res, COOKIES.csrf, seed, secure, 24 * 3600);
  }
  return sign(key, seed);
}

/** Whether a posted form's CSRF token is the one made for this browser's seed. */
export function csrfValid(req: Request, key: Buffer, presented: unknown): boolean {
  const seed = readCookie(req, COOKIES.csrf);
  if (!seed || typeof presented !== 'string') return false;
  const expected = Buffer.from(sign(key, seed));
  const given = Buffer.from(presented);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

const sign = (key: Buffer, seed: string) => createHmac('sha256', key).update(`csrf\n${seed}`).digest('base64url');

/** A fresh Idempotency-Key for a form: a double submit or a retried post of the same form is the same request. */
export const newFormKey = (): string => randomBytes(24).toString('base64url');
