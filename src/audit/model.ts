import { partSchema, recordSchema } from '../db/record';

export const ACTOR_KINDS = ['operator', 'partner-user', 'customer', 'system'] as const;

export interface AuditActor {
  kind: (typeof ACTOR_KINDS)[number];
  id: string;
}

export interface AuditTarget {
  kind: string;
  id: string;
}

/** One change: who, in which partner, what, on whom, when, from which request. */
export interface AuditEventDoc {
  /** Time-ordered, so newest-first is descending _id. */
  _id: string;
  at: Date;
  partnerId?: string;
  /** The customer it was done in or for: the customer reads these entries with its token. */
  customerId?: string;
  actor: AuditActor;
  action: string;
  target: AuditTarget;
  requestId?: string;
  /** What changed, as JSON text (free of FerretDB's key restrictions). */
  details: string;
}

export const auditEventSchema = recordSchema<AuditEventDoc>(
  {
    _id: { type: String, required: true },
    at: { type: Date, required: true },
    partnerId: { type: String },
    customerId: { type: String },
    actor: {
      type: partSchema<AuditActor>({ kind: { type: String, required: true, enum: ACTOR_KINDS }, id: { type: String, required: true } }),
      required: true,
    },
    action: { type: String, required: true },
    target: { type: partSchema<AuditTarget>({ kind: { type: String, required: true }, id: { type: String, required: true } }), required: true },
    requestId: { type: String },
    details: { type: String, default: '{}' },
  },
  { collection: 'audit_events' },
);

auditEventSchema.index({ partnerId: 1, _id: -1 });
auditEventSchema.index({ partnerId: 1, action: 1, _id: -1 });
auditEventSchema.index({ customerId: 1, _id: -1 });
