import type { PartnerDoc } from '../partners/model';
import type { UserDoc } from '../users/model';

/** Who is calling: the platform operator, or an active user of one partner. */
export type Principal =
  | { kind: 'operator' }
  | { kind: 'partner-user'; partner: PartnerDoc; user: UserDoc; tokenId: string };

export type PartnerPrincipal = Extract<Principal, { kind: 'partner-user' }>;

/** The actor recorded in the audit log. */
export function actorOf(p: Principal): { kind: string; id: string } {
  return p.kind === 'operator' ? { kind: 'operator', id: 'operator' } : { kind: 'partner-user', id: p.user._id };
}
