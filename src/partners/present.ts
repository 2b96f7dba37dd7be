import type { z } from 'zod';
import type { PartnerDoc } from './model';
import type { partnerOut } from './schemas';

export function presentPartner(p: PartnerDoc): z.infer<typeof partnerOut> {
  const { address, ...profile } = p.profile;
  return {
    id: p._id,
    cloud: p.cloud,
    profile: { ...stripNulls(profile), address: stripNulls(address) } as z.infer<typeof partnerOut>['profile'],
    authorisations: [...p.authorisations] as z.infer<typeof partnerOut>['authorisations'],
    createdAt: p.createdAt.toISOString(),
    updatedAt: p.updatedAt.toISOString(),
  };
}

/** Drops null/undefined members (mongoose returns absent optional fields as null in places). */
export function stripNulls<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v != null)) as T;
}
