import { Schema, type InferSchemaType } from 'mongoose';

/**
 * Every e-mail offerflow sends, recorded before it is sent. The id is the
 * sender's deterministic key, so a retried activity records (and sends) it once.
 */
export const outboxMessageSchema = new Schema(
  {
    _id: { type: String, required: true },
    partnerId: { type: String, required: true },
    customerId: { type: String },
    to: { type: String, required: true },
    subject: { type: String, required: true },
    text: { type: String, required: true },
    kind: { type: String, required: true },
    createdAt: { type: Date, required: true },
    /** recorded: kept only (no SMTP_URL); sent: handed to the SMTP server. */
    status: { type: String, required: true, enum: ['recorded', 'sent'] },
    sentAt: { type: Date },
  },
  { collection: 'outbox', versionKey: false, strict: 'throw' },
);

outboxMessageSchema.index({ partnerId: 1, _id: -1 });

export type OutboxMessageDoc = InferSchemaType<typeof outboxMessageSchema> & { _id: string };
