import type { z } from 'zod';
import type { ApiTokenDoc } from '../auth/model';
import type { UserDoc } from './model';
import type { tokenOut, userOut } from './schemas';

const iso = (d: Date | null | undefined) => (d ? d.toISOString() : undefined);

export function presentUser(u: UserDoc): z.infer<typeof userOut> {
  return {
    id: u._id,
    email: u.email,
    displayName: u.displayName,
    companyRole: u.companyRole,
    customerRole: u.customerRole,
    active: u.active,
    createdAt: u.createdAt.toISOString(),
    updatedAt: u.updatedAt.toISOString(),
    deactivatedAt: iso(u.deactivatedAt),
  };
}

export function presentToken(t: ApiTokenDoc): z.infer<typeof tokenOut> {
  return {
    id: t._id,
    userId: t.userId,
    label: t.label,
    createdAt: t.createdAt.toISOString(),
    expiresAt: iso(t.expiresAt),
    revokedAt: iso(t.revokedAt),
  };
}
