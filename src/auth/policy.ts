import { DomainError } from '../errors';
import { AUTHORISATION_NAMES, type Authorisation, type PartnerDoc } from '../partners/model';
import type { CompanyRole, CustomerRole, UserDoc } from '../users/model';

/**
 * The one authorisation policy: what a partner user may do, given the two role
 * axes and the partner's authorisations. Every partner route names its action;
 * objects of another partner are never reached (queries are scoped), so they
 * are 404, not 403.
 */
export const ACTIONS = {
  'profile:read': { anyone: true },
  'profile:edit': { companyRoles: ['global-admin'] },
  'users:read': { companyRoles: ['global-admin', 'user-management-admin'] },
  'users:manage': { companyRoles: ['global-admin', 'user-management-admin'] },
  'tokens:own': { anyone: true },
  'catalog:read': { anyone: true },
  'customers:read': { anyone: true },
  'audit:read': { companyRoles: ['global-admin'] },
  /** Webhook endpoints: where events go and the secrets that sign them. */
  'webhooks:manage': { companyRoles: ['global-admin'] },
  'events:read': { anyone: true },
  'invitations:read': { anyone: true },
  'outbox:read': { anyone: true },
  'invitations:send': { authorisation: 'subscription-advisor', customerRoles: ['full', 'limited'] },
  'offers:read': { anyone: true },
  'offers:send': { authorisation: 'subscription-advisor', customerRoles: ['full', 'limited'] },
  'product-keys:read': { anyone: true },
  /** Registering keys the partner bought (subscription advisors, as for offers). */
  'product-keys:register': { authorisation: 'subscription-advisor', customerRoles: ['full', 'limited'] },
  /** Redeeming one for a customer (as sending it an offer). */
  'product-keys:redeem': { authorisation: 'subscription-advisor', customerRoles: ['full', 'limited'] },
  /** Seeing the changes of partner of record customers ask of the partner. */
  'partner-of-record:read': { anyone: true },
  /** Accepting or declining to become a subscription's partner of record: a commercial commitment (subscription advisors). */
  'partner-of-record:answer': { authorisation: 'subscription-advisor', companyRoles: ['global-admin', 'billing-admin'] },
  'delegated-admin:request': { authorisation: 'delegated-admin-certified', customerRoles: ['full', 'limited'] },
  /** Acting inside a customer as its global admin; also needs an active relationship with it (which may cap the role). */
  'customers:administer': { authorisation: 'authorised-service-provider', customerRoles: ['full'] },
  /** Password resets inside a customer (limited: of users who are not admins); also needs an active relationship. */
  'customers:reset-passwords': { authorisation: 'authorised-service-provider', customerRoles: ['full', 'limited'] },
  /** Reading inside a customer (its users); also needs an active relationship. */
  'customers:read-tenant': { authorisation: 'authorised-service-provider', customerRoles: ['full', 'limited'] },
  /** A partner's service requests, across its customers (authorised service providers). */
  'service-requests:read': { authorisation: 'authorised-service-provider' },
  /** Opening, noting and changing a customer's service requests as its global admin; also needs an active relationship with it. */
  'service-requests:manage': { authorisation: 'authorised-service-provider', customerRoles: ['full'] },
} as const satisfies Record<string, Rule>;

export type Action = keyof typeof ACTIONS;

interface Rule {
  anyone?: true;
  companyRoles?: readonly CompanyRole[];
  customerRoles?: readonly CustomerRole[];
  authorisation?: Authorisation;
}

export type Decision = { allowed: true } | { allowed: false; slug: 'authorisation-required' | 'role-required'; detail: string };

const list = (xs: readonly string[]) => (xs.length === 1 ? xs[0]! : `${xs.slice(0, -1).join(', ')} or ${xs[xs.length - 1]}`);

export function decide(partner: PartnerDoc, user: UserDoc, action: Action): Decision {
  const rule: Rule = ACTIONS[action];
  if (rule.authorisation && !partner.authorisations.includes(rule.authorisation)) {
    return {
      allowed: false,
      slug: 'authorisation-required',
      detail: `this needs the partner to be authorised as ${AUTHORISATION_NAMES[rule.authorisation]}; ${partner.profile.name} is not`,
    };
  }
  if (rule.companyRoles && !rule.companyRoles.includes(user.companyRole as CompanyRole)) {
    return { allowed: false, slug: 'role-required', detail: `this needs the company role ${list(rule.companyRoles)}; yours is ${user.companyRole}` };
  }
  if (rule.customerRoles && !rule.customerRoles.includes(user.customerRole as CustomerRole)) {
    return { allowed: false, slug: 'role-required', detail: `this needs a customer role of ${list(rule.customerRoles)}; yours is ${user.customerRole}` };
  }
  return { allowed: true };
}

/** Throws the policy's refusal (a domain error: role or authorisation required) unless the partner user may do `action`. */
export function requirePermission(principal: { partner: PartnerDoc; user: UserDoc }, action: Action): void {
  const decision = decide(principal.partner, principal.user, action);
  if (!decision.allowed) throw new DomainError(decision.slug, decision.detail);
}

/** The actions the user may take, for GET /v1/me. */
export const permissionsOf = (partner: PartnerDoc, user: UserDoc): Action[] =>
  (Object.keys(ACTIONS) as Action[]).filter((a) => decide(partner, user, a).allowed);
