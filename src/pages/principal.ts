import type { Request } from 'express';
import type { Models } from '../db/models';
import { Problem } from '../api/problem';
import type { PageDeps } from './router';

/**
 * Whose a pasted or remembered token is, checked as the API checks a bearer token
 * (`lookup`: `partnerUserOf` or `customerOf`) and through the same guard: an address
 * that keeps presenting wrong tokens is refused (429) before any lookup.
 * undefined: the token is wrong, expired or revoked.
 */
export async function principalForToken<P>(
  req: Request,
  deps: PageDeps,
  token: string,
  lookup: (token: string, models: Models) => Promise<P | undefined>,
): Promise<P | undefined> {
  try {
    return await deps.authFailures.guard(req.ip, `Bearer ${token}`, async () => {
      const principal = /^[\x21-\x7e]{1,512}$/.test(token) ? await lookup(token, deps.models) : undefined;
      if (!principal) throw new Problem('unauthenticated', 'the token is invalid, expired or revoked');
      return principal;
    });
  } catch (err) {
    if (err instanceof Problem && err.slug === 'unauthenticated') return undefined;
    throw err;
  }
}
