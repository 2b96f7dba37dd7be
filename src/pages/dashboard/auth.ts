import type { Request, Response } from 'express';
import type { PartnerPrincipal } from '../../auth/principal';
import { partnerUserOf } from '../../api/authenticate';
import { principalForToken } from '../principal';
import type { PageDeps } from '../router';
import { clearCookie, COOKIES, readCookie, secureCookies, setCookie } from '../session';

const secure = (deps: PageDeps): boolean => secureCookies(deps.publicUrl);

/** The active partner user a pasted or remembered API token belongs to (undefined: wrong, expired, revoked, or its user deactivated). */
export const partnerUserForToken = (req: Request, deps: PageDeps, token: string): Promise<PartnerPrincipal | undefined> =>
  principalForToken(req, deps, token, partnerUserOf);

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
