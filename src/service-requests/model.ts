import { partSchema, recordSchema } from '../db/record';
import {
  SERVICE_REQUEST_SEVERITIES,
  SERVICE_REQUEST_STATUSES,
  type ServiceRequestChange,
  type ServiceRequestHistoryEntry,
  type ServiceRequestNote,
  type ServiceRequestParty,
  type ServiceRequestState,
} from '../../workflows/service-requests/types';

/** A customer's service request (its workflow's state, with the whole history); written by its workflow only. */
export interface ServiceRequestDoc extends Omit<ServiceRequestState, 'serviceRequestId' | 'attentionSince'> {
  _id: string;
  revision: number;
  workflowId: string;
}

const partySchema = partSchema<ServiceRequestParty>({
  kind: { type: String, required: true, enum: ['customer', 'partner-user', 'system'] },
  id: { type: String, required: true },
  relationshipId: { type: String },
});

const noteSchema = partSchema<ServiceRequestNote>({
  n: { type: Number, required: true, min: 1 },
  by: { type: partySchema, required: true },
  text: { type: String, required: true },
  at: { type: String, required: true },
});

const changeSchema = partSchema<ServiceRequestChange>({
  kind: { type: String, required: true, enum: ['opened', 'note', 'status', 'reminder'] },
  note: { type: Number },
  from: { type: String, enum: SERVICE_REQUEST_STATUSES },
  to: { type: String, enum: SERVICE_REQUEST_STATUSES },
});

const historyEntrySchema = partSchema<ServiceRequestHistoryEntry>({
  n: { type: Number, required: true, min: 1 },
  at: { type: String, required: true },
  by: { type: partySchema, required: true },
  change: { type: changeSchema, required: true },
});

export const serviceRequestSchema = recordSchema<ServiceRequestDoc>(
  {
    _id: { type: String, required: true },
    partnerId: { type: String, required: true },
    customerId: { type: String, required: true },
    title: { type: String, required: true },
    description: { type: String, required: true },
    severity: { type: String, required: true, enum: SERVICE_REQUEST_SEVERITIES },
    status: { type: String, required: true, enum: SERVICE_REQUEST_STATUSES },
    notes: { type: [noteSchema], default: [] },
    history: { type: [historyEntrySchema], default: [] },
    openedBy: { type: partySchema, required: true },
    openedAt: { type: String, required: true },
    updatedAt: { type: String, required: true },
    closedAt: { type: String },
    revision: { type: Number, required: true, min: 1 },
    workflowId: { type: String, required: true },
  },
  { collection: 'service_requests' },
);

// the lists: a partner's (all its customers, by status or severity), a partner's for one customer, a customer's own; newest first
serviceRequestSchema.index({ partnerId: 1, _id: -1 });
serviceRequestSchema.index({ partnerId: 1, status: 1, _id: -1 });
serviceRequestSchema.index({ partnerId: 1, customerId: 1, _id: -1 });
serviceRequestSchema.index({ customerId: 1, _id: -1 });
