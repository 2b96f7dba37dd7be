import { Schema, type InferSchemaType } from 'mongoose';

/** One change: who, in which partner, what, on whom, when, from which request. */
export const auditEventSchema = new Schema(
  {
    /** Time-ordered, so newest-first is descending _id. */
    _id: { type: String, required: true },
    at: { type: Date, required: true },
    partnerId: { type: String },
    actor: {
      type: new Schema(
        {
          kind: { type: String, required: true, enum: ['operator', 'partner-user', 'customer', 'system'] },
          id: { type: String, required: true },
        },
        { _id: false },
      ),
      required: true,
    },
    action: { type: String, required: true },
    target: {
      type: new Schema({ kind: { type: String, required: true }, id: { type: String, required: true } }, { _id: false }),
      required: true,
    },
    requestId: { type: String },
    /** What changed, as JSON text (free of FerretDB's key restrictions). */
    details: { type: String, default: '{}' },
  },
  { collection: 'audit_events', versionKey: false, strict: 'throw' },
);

auditEventSchema.index({ partnerId: 1, _id: -1 });
auditEventSchema.index({ partnerId: 1, action: 1, _id: -1 });

export type AuditEventDoc = InferSchemaType<typeof auditEventSchema> & { _id: string };
