import { DAY_MS } from '../../workflows/durations';
import type { DelegatedAdminOption } from '../../workflows/delegated-admin/types';
import type { z } from 'zod';
import type { Relationship } from './service';
import type { relationshipOut } from './schemas';

export function presentRelationship(r: Relationship): z.infer<typeof relationshipOut> {
  return {
    id: r._id,
    partnerId: r.partnerId,
    customerId: r.customerId,
    status: r.status,
    requestedAt: r.requestedAt,
    acceptedAt: r.acceptedAt,
    endsAt: r.endsAt,
    endedAt: r.endedAt,
    endedBy: r.endedBy,
    extensions: r.extensions,
    autoExtend: r.autoExtend,
    workflowId: r.workflowId,
  };
}

/** Delegated administration as a customer is asked for it (days, and the role in words the page shows). */
export function delegatedAdminView(o: Pick<DelegatedAdminOption, 'role' | 'durationMs' | 'autoExtend' | 'extensionMs'>) {
  const days = (ms: number) => Math.round((ms / DAY_MS) * 100) / 100;
  return { role: o.role ?? 'full', durationDays: days(o.durationMs), autoExtend: o.autoExtend, extensionDays: days(o.extensionMs) };
}
