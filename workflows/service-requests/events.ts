import type { LifecycleEvent } from '../events/types';
import type { ServiceRequestParty, ServiceRequestState, ServiceRequestStatus } from './types';

/** What changed: the request opened (with its description), a note added, or its status moved. */
export type ServiceRequestEventChange =
  | { change: 'opened'; description: string }
  | { change: 'note'; note: { n: number; text: string } }
  | { change: 'status'; from: ServiceRequestStatus; to: ServiceRequestStatus };

/** A service request changed: the change, by whom, and the request as it stands after it. */
export const serviceRequestChanged = (state: ServiceRequestState, by: ServiceRequestParty, change: ServiceRequestEventChange): LifecycleEvent => ({
  type: 'service-request.changed',
  partnerId: state.partnerId,
  customerId: state.customerId,
  subject: { kind: 'service-request', id: state.serviceRequestId },
  data: {
    ...change,
    serviceRequestId: state.serviceRequestId,
    customerId: state.customerId,
    title: state.title,
    status: state.status,
    severity: state.severity,
    by: { kind: by.kind, id: by.id, ...(by.relationshipId ? { relationshipId: by.relationshipId } : {}) },
    notes: state.notes.length,
    updatedAt: state.updatedAt,
  },
});
