import { z } from 'zod';
import { OUTBOX_STATUSES, type OutboxMessageDoc } from './model';

export const outboxOut = z.object({
  id: z.string(),
  kind: z.string(),
  to: z.string(),
  subject: z.string(),
  text: z.string(),
  customerId: z.string().optional(),
  createdAt: z.string(),
  status: z.enum(OUTBOX_STATUSES),
  sentAt: z.string().optional(),
});

export function presentOutboxMessage(m: OutboxMessageDoc): z.infer<typeof outboxOut> {
  return {
    id: m._id,
    kind: m.kind,
    to: m.to,
    subject: m.subject,
    text: m.text,
    customerId: m.customerId,
    createdAt: m.createdAt.toISOString(),
    status: m.status,
    sentAt: m.sentAt?.toISOString(),
  };
}
