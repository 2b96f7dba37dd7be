import type { Request, Response } from 'express';
import type { PartnerPrincipal } from '../../auth/principal';
import { partnerUserOf } from '../../api/authenticate';
import { Problem } from '../../api/problem';
import type { PageDeps } from '../router';
import { clearCookie, COOKIES, readCookie, secureCookies, setCookie } from '../session';

const secure = (deps: PageDeps): boolean => secureCookies(deps.publicUrl);

/**
 * The active partner user a pasted or remembered API token belongs to, checked
 * exactly as the API checks a bearer token, and through the same guard: an address
 * that keeps presenting wrong tokens is refused (429) before any lookup.
 * undefined: the token is wrong, expired or revoked (or its user deactivated).
 */
export async function partnerUserForToken(req: Request, deps: PageDeps, token: string): Promise<PartnerPrincipal | undefined> {
  try {
    return await deps.authFailures.guard(req.ip, `Bearer ${token}`, async () => {
      const principal = /^[\x21-\x7e]{1,512}$/.test(token) ? await partnerUserOf(token, deps.models) : undefined;
      if (!principal) throw new Problem('unauthenticated', 'the token is invalid, expired or revoked');
      return principal;
    });
  } catch (err) {
    if (err instanceof Problem && err.slug === 'unauthenticated') return undefined;
    throw err;
  }
}

export type Session = { state: 'none' } | { state: 'ended' } | { state: 'signed-in'; principal: PartnerPrincipal };

/** Who this browser is signed in as, re-checked on every request (a revoked token stops working at once). */
export async function sessionOf(req: Request, res: Response, deps: PageDeps): Promise<Session> {
  const token = readCookie(req, COOKIES.partner);
  if (!token) return { state: 'none' };
  const principal = await partnerUserForToken(req, deps, token);
  if (principal) return { state: 'signed-in', principal };
  clearCookie(res, COOKIES.partner, secure(deps));
  return { state: 'ended' };
}

export const signIn = (res: Response, deps: PageDeps, token: string): void => setCookie(res, COOKIES.partner, token, secure(deps));
export const signOut = (res: Response, deps: PageDeps): void => clearCookie(res, COOKIES.partner, secure(deps));
