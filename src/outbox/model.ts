import { recordSchema } from '../db/record';

export const OUTBOX_STATUSES = ['recorded', 'sent'] as const;

/**
 * Every e-mail offerflow sends, recorded before it is sent. The id is the
 * sender's deterministic key, so a retried activity records (and sends) it once.
 */
export interface OutboxMessageDoc {
  _id: string;
  partnerId: string;
  customerId?: string;
  to: string;
  subject: string;
  text: string;
  kind: string;
  createdAt: Date;
  /** recorded: kept only (no SMTP_URL); sent: handed to the SMTP server. */
  status: (typeof OUTBOX_STATUSES)[number];
  sentAt?: Date;
}

export const outboxMessageSchema = recordSchema<OutboxMessageDoc>(
  {
    _id: { type: String, required: true },
    partnerId: { type: String, required: true },
    customerId: { type: String },
    to: { type: String, required: true },
    subject: { type: String, required: true },
    text: { type: String, required: true },
    kind: { type: String, required: true },
    createdAt: { type: Date, required: true },
    status: { type: String, required: true, enum: OUTBOX_STATUSES },
    sentAt: { type: Date },
  },
  { collection: 'outbox' },
);

outboxMessageSchema.index({ partnerId: 1, _id: -1 });
