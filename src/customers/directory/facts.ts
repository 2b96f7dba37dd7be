import type { DelegatedAdminFact, DelegatedAdminState, OpenRequestsFact } from './model';

/**
 * Facts about a customer that workflows other than its onboarding publish (its
 * delegated administration, its open service requests): each field is replaced
 * only by a newer one, whatever order they arrive in, and every fact moves the
 * customer's last activity on.
 */
export interface CustomerFactsInput {
  customerId: string;
  at: Date;
  delegatedAdmin?: { state: DelegatedAdminState; endsAt?: string };
  openRequests?: { critical: number; moderate: number; minimal: number };
}

/** Facts as they are held: each with its moment (ISO), and the latest moment of all. */
export interface HeldFacts {
  delegatedAdmin?: DelegatedAdminFact;
  openRequests?: OpenRequestsFact;
  lastActivityAt: string;
}

const newer = <F extends { at: string }>(a: F | undefined, b: F | undefined): F | undefined => (!a ? b : !b ? a : Date.parse(b.at) >= Date.parse(a.at) ? b : a);

export const latestIso = (a: string, b: string): string => (Date.parse(b) > Date.parse(a) ? b : a);

export function heldFactsOf(f: CustomerFactsInput): HeldFacts {
  const at = f.at.toISOString();
  return {
    ...(f.delegatedAdmin
      ? { delegatedAdmin: { state: f.delegatedAdmin.state, ...(f.delegatedAdmin.endsAt ? { endsAt: f.delegatedAdmin.endsAt } : {}), at } }
      : {}),
    ...(f.openRequests ? { openRequests: { critical: f.openRequests.critical, moderate: f.openRequests.moderate, minimal: f.openRequests.minimal, at } } : {}),
    lastActivityAt: at,
  };
}

/** Both sets of facts together: the newer of each field, the later last activity. */
export function combineFacts(a: HeldFacts | undefined, b: HeldFacts): HeldFacts {
  if (!a) return b;
  const delegatedAdmin = newer(a.delegatedAdmin, b.delegatedAdmin);
  const openRequests = newer(a.openRequests, b.openRequests);
  return {
    ...(delegatedAdmin ? { delegatedAdmin } : {}),
    ...(openRequests ? { openRequests } : {}),
    lastActivityAt: latestIso(a.lastActivityAt, b.lastActivityAt),
  };
}

/** A record with facts merged in. */
export function withFacts<R extends { delegatedAdmin?: DelegatedAdminFact; openRequests?: OpenRequestsFact; lastActivityAt: Date }>(r: R, facts: HeldFacts): R {
  const merged = combineFacts(
    {
      ...(r.delegatedAdmin ? { delegatedAdmin: r.delegatedAdmin } : {}),
      ...(r.openRequests ? { openRequests: r.openRequests } : {}),
      lastActivityAt: r.lastActivityAt.toISOString(),
    },
    facts,
  );
  return { ...r, ...merged, lastActivityAt: new Date(merged.lastActivityAt) };
}
