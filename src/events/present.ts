import { z } from 'zod';
import { EVENT_TYPES } from '../../workflows/events/types';
import type { EventDoc } from './model';

/** An event as the API lists it and as every webhook delivery's body carries it (the same JSON). */
export const eventOut = z.object({
  id: z.string().describe('Stable: the same in every delivery and replay of the event (the `webhook-id` header)'),
  type: z.enum(EVENT_TYPES),
  createdAt: z.string(),
  partnerId: z.string(),
  customerId: z.string().optional(),
  subject: z.object({ kind: z.string(), id: z.string() }),
  data: z.record(z.string(), z.unknown()),
});

export type EventOut = z.infer<typeof eventOut>;

export function presentEvent(e: EventDoc): EventOut {
  return {
    id: e._id,
    type: e.type,
    createdAt: e.at.toISOString(),
    partnerId: e.partnerId,
    ...(e.customerId ? { customerId: e.customerId } : {}),
    subject: { kind: e.subject.kind, id: e.subject.id },
    data: JSON.parse(e.data) as Record<string, unknown>,
  };
}
