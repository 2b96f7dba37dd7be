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
