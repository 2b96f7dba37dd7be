import type { CustomerDoc } from '../customers/model';
import type { PartnerDoc } from '../partners/model';
import type { UserDoc } from '../users/model';

/** Who is calling: the platform operator, an active user of one partner, or a customer. */
export type Principal =
  | { kind: 'operator' }
  | { kind: 'partner-user'; partner: PartnerDoc; user: UserDoc; tokenId: string }
  | { kind: 'customer'; customer: CustomerDoc; tokenId: string };

export type PartnerPrincipal = Extract<Principal, { kind: 'partner-user' }>;
export type CustomerPrincipal = Extract<Principal, { kind: 'customer' }>;

/** The actor recorded in the audit log. */
export function actorOf(p: Principal): { kind: string; id: string } {
  if (p.kind === 'operator') return { kind: 'operator', id: 'operator' };
  return p.kind === 'customer' ? { kind: 'customer', id: p.customer._id } : { kind: 'partner-user', id: p.user._id };
}
