import { DomainError } from '../errors';
import type { CompanyRole, CustomerRole, UserDoc } from '../users/model';

/**
 * Who may hand out which roles: nobody grants a role above their own, nor changes,
 * deactivates or issues a token for a user whose roles are above theirs (a token is
 * that user's power). A global admin may do all of it; only a global admin grants global admin.
 */
const COMPANY_RANK: Record<CompanyRole, number> = {
  none: 0,
  'billing-admin': 1,
  'password-admin': 1,
  'service-admin': 1,
  'user-management-admin': 2,
  'global-admin': 3,
};
const CUSTOMER_RANK: Record<CustomerRole, number> = { none: 0, limited: 1, full: 2 };

type Caller = Pick<UserDoc, 'companyRole' | 'customerRole'>;
type Roles = { companyRole?: CompanyRole; customerRole?: CustomerRole };

/** The roles in `roles` that are above the caller's own (none for a global admin). */
function aboveOwn(caller: Caller, roles: Roles): string[] {
  if (caller.companyRole === 'global-admin') return [];
  const above: string[] = [];
  if (roles.companyRole && COMPANY_RANK[roles.companyRole] > COMPANY_RANK[caller.companyRole]) above.push(`the company role ${roles.companyRole}`);
  if (roles.customerRole && CUSTOMER_RANK[roles.customerRole] > CUSTOMER_RANK[caller.customerRole]) above.push(`the customer role ${roles.customerRole}`);
  return above;
}

const yours = (caller: Caller) => `yours are ${caller.companyRole} and customer role ${caller.customerRole}`;

/** Throws unless the caller may grant `roles` (to anyone, itself included). */
export function requireMayGrant(caller: Caller, roles: Roles): void {
  const above = aboveOwn(caller, roles);
  if (above.length > 0) throw new DomainError('role-above-own', `you may not grant ${above.join(' or ')}, above your own roles (${yours(caller)})`);
}

/** Throws if `target` holds a role above the caller's: only someone at least as high manages it. */
export function requireMayManage(caller: Caller, target: UserDoc): void {
  const above = aboveOwn(caller, target);
  if (above.length > 0) throw new DomainError('role-above-own', `${target.email} has ${above.join(' and ')}, above your own roles (${yours(caller)})`);
}
