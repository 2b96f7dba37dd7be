import type { z } from 'zod';
import { delegatedAdminWorkflowId } from '../../workflows/delegated-admin/ids';
import type { RelationshipDoc } from './model';
import type { relationshipOut } from './schemas';

export function presentRelationship(r: RelationshipDoc): z.infer<typeof relationshipOut> {
  return {
    id: r._id,
    partnerId: r.partnerId,
    customerId: r.customerId,
    status: r.status,
    requestedAt: r.requestedAt,
    acceptedAt: r.acceptedAt ?? undefined,
    endsAt: r.endsAt ?? undefined,
    endedAt: r.endedAt ?? undefined,
    endedBy: r.endedBy ?? undefined,
    extensions: r.extensions,
    autoExtend: r.autoExtend,
    workflowId: delegatedAdminWorkflowId(r._id),
  };
}
