import type { z } from 'zod';
import type { customerUserOut } from '../customer-portal/schemas';
import type { CustomerUserDoc } from './model';

export function presentCustomerUser(u: CustomerUserDoc): z.infer<typeof customerUserOut> {
  const r = u.lastReset;
  return {
    id: u._id,
    customerId: u.customerId,
    email: u.email,
    displayName: u.displayName,
    role: u.role ?? 'user',
    skus: [...u.assignedSkus],
    mustChangePassword: u.mustChangePassword,
    lastPasswordReset: r && {
      at: r.at.toISOString(),
      by: { kind: r.byKind, id: r.byId },
      partnerId: r.partnerId,
      relationshipId: r.relationshipId,
    },
  };
}
