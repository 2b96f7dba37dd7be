import type { z } from 'zod';
import { serviceRequestWorkflowId } from '../../workflows/service-requests/start';
import type { ServiceRequestParty, ServiceRequestState } from '../../workflows/service-requests/types';
import type { serviceRequestOut, serviceRequestSummaryOut } from './schemas';

const presentParty = (p: ServiceRequestParty) => ({ kind: p.kind, id: p.id, relationshipId: p.relationshipId });

/** A request in a list: without its notes and history. */
export function presentServiceRequestSummary(r: ServiceRequestState): z.infer<typeof serviceRequestSummaryOut> {
  return {
    id: r.serviceRequestId,
    partnerId: r.partnerId,
    customerId: r.customerId,
    title: r.title,
    severity: r.severity,
    status: r.status,
    openedBy: presentParty(r.openedBy),
    openedAt: r.openedAt,
    updatedAt: r.updatedAt,
    closedAt: r.closedAt,
    notes: r.notes.length,
    workflowId: serviceRequestWorkflowId(r.serviceRequestId),
  };
}

/** A request with its notes and its whole history. */
export function presentServiceRequest(r: ServiceRequestState): z.infer<typeof serviceRequestOut> {
  return {
    ...presentServiceRequestSummary(r),
    description: r.description,
    notes: r.notes.map((n) => ({ n: n.n, by: presentParty(n.by), text: n.text, at: n.at })),
    history: r.history.map((h) => ({
      n: h.n,
      at: h.at,
      by: presentParty(h.by),
      change: { kind: h.change.kind, note: h.change.note, from: h.change.from, to: h.change.to },
    })),
  };
}
