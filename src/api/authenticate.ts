import type { Request } from 'express';
import type { Models } from '../db/models';
import { Problem } from './problem';
import type { CustomerPrincipal, PartnerPrincipal, Principal } from '../auth/principal';
import { hashSecret, parseCustomerToken, parseToken, PARTNER_TOKEN_PREFIX, sameDigest, secretMatches } from '../auth/tokens';

export interface AuthDeps {
  models: Models;
  /** SHA-256 (hex) of the operator token; operator routes answer 401 without it. */
  operatorTokenHash?: string;
}

const unauthenticated = (detail: string) => new Problem('unauthenticated', detail, {}, { 'WWW-Authenticate': 'Bearer realm="offerflow"' });

function bearer(req: Request): string {
  const header = req.headers.authorization;
  if (!header) throw unauthenticated('send the header Authorization: Bearer <token>');
  const m = /^Bearer ([\x21-\x7e]{1,512})$/i.exec(header);
  if (!m) throw unauthenticated('the Authorization header must be "Bearer <token>"');
  return m[1]!;
}

export async function authenticateOperator(req: Request, deps: AuthDeps): Promise<Principal> {
  const token = bearer(req);
  if (!deps.operatorTokenHash || !sameDigest(hashSecret(token), deps.operatorTokenHash)) {
    throw unauthenticated('this needs the operator token');
  }
  return { kind: 'operator' };
}

/** The active partner user a token belongs to; one 401 for every way a token can be bad. */
export async function authenticatePartnerUser(req: Request, deps: AuthDeps): Promise<PartnerPrincipal> {
  const principal = await partnerUserOf(bearer(req), deps.models);
  if (!principal) throw unauthenticated('the token is invalid, expired or revoked');
  return principal;
}

/** The active partner user whose valid, unrevoked, unexpired token this is. */
export async function partnerUserOf(presented: string, models: Models): Promise<PartnerPrincipal | undefined> {
  const parsed = parseToken(presented);
  if (!parsed || parsed.prefix !== PARTNER_TOKEN_PREFIX) return undefined;
  // One round trip: the token names its partner and user.
  const [token, user, partner] = await Promise.all([
    models.ApiToken.findById(parsed.tokenId).lean(),
    models.User.findById(parsed.userId).lean(),
    models.Partner.findById(parsed.partnerId).lean(),
  ]);
  if (!token || !secretMatches(parsed.secret, token.hash) || token.revokedAt || (token.expiresAt && token.expiresAt.getTime() <= Date.now())) {
    return undefined;
  }
  // The ids in the token are not trusted: they must be the token's own.
  if (token.userId !== parsed.userId || token.partnerId !== parsed.partnerId || !user || user.partnerId !== token.partnerId || !partner || !user.active) {
    return undefined;
  }
  return { kind: 'partner-user', partner: partner as PartnerPrincipal['partner'], user: user as PartnerPrincipal['user'], tokenId: token._id };
}

/** The customer a customer token (`ofc.…`) belongs to. */
export async function authenticateCustomer(req: Request, deps: AuthDeps): Promise<CustomerPrincipal> {
  const principal = await customerOf(bearer(req), deps.models);
  if (!principal) throw unauthenticated('the customer token is invalid or revoked');
  return principal;
}

/** The customer whose valid, unrevoked token this is. */
export async function customerOf(presented: string, models: Models): Promise<CustomerPrincipal | undefined> {
  const parsed = parseCustomerToken(presented);
  if (!parsed) return undefined;
  const [token, customer] = await Promise.all([models.CustomerToken.findById(parsed.tokenId).lean(), models.Customer.findById(parsed.customerId).lean()]);
  if (!token || !secretMatches(parsed.secret, token.hash) || token.revokedAt || token.customerId !== parsed.customerId || !customer) return undefined;
  return { kind: 'customer', customer: customer as CustomerPrincipal['customer'], tokenId: token._id };
}

/** A customer when the request carries a customer token, nobody when it carries none. */
export async function authenticateCustomerIfAny(req: Request, deps: AuthDeps): Promise<CustomerPrincipal | undefined> {
  return req.headers.authorization ? authenticateCustomer(req, deps) : undefined;
}
