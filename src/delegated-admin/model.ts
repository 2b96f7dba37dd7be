import { partSchema, recordSchema } from '../db/record';
import { RELATIONSHIP_STATUSES, type DelegatedAdminOption, type RelationshipState } from '../../workflows/delegated-admin/types';

/** A delegated-admin relationship between a partner and a customer (its workflow's state); written by its workflow. */
export interface RelationshipDoc extends Omit<RelationshipState, 'relationshipId'> {
  _id: string;
  revision: number;
  /** The run that holds it (stored since relationships share a workflow id per partner and customer; before, derived from `_id`). */
  workflowId?: string;
  runId?: string;
  /** The first run of its chain: a run that continued as new is reached through it. */
  firstRunId?: string;
}

export const relationshipSchema = recordSchema<RelationshipDoc>(
  {
    _id: { type: String, required: true },
    partnerId: { type: String, required: true },
    customerId: { type: String, required: true },
    status: { type: String, required: true, enum: RELATIONSHIP_STATUSES },
    requestedAt: { type: String, required: true },
    acceptedAt: { type: String },
    endsAt: { type: String },
    endedAt: { type: String },
    endedBy: { type: String },
    extensions: { type: Number, required: true },
    autoExtend: { type: Boolean, required: true },
    durationMs: { type: Number, required: true },
    revision: { type: Number, required: true, min: 1 },
    workflowId: { type: String },
    runId: { type: String },
    firstRunId: { type: String },
    role: { type: String, enum: ['full', 'limited'] },
    extensionMs: { type: Number },
    lapsesAt: { type: String },
    code: { type: String },
  },
  { collection: 'delegated_admin_relationships' },
);

// "is there an active relationship between this partner and this customer?" (every partner action in a customer)
relationshipSchema.index({ partnerId: 1, customerId: 1, status: 1 });
relationshipSchema.index({ customerId: 1, _id: 1 });

/** Delegated administration offered with an invitation or offer, as stored with it. */
export const delegatedAdminOptionPart = partSchema<DelegatedAdminOption>({
  role: { type: String, enum: ['full', 'limited'] },
  durationMs: { type: Number, required: true },
  autoExtend: { type: Boolean, required: true },
  extensionMs: { type: Number, required: true },
  approvalTimeoutMs: { type: Number, required: true },
  noticeMs: { type: Number, required: true },
});
