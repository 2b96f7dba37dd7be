import { partSchema, recordSchema } from '../db/record';
import { EVENT_TYPES, type EventType } from '../../workflows/events/types';

/**
 * A lifecycle event as the partner's webhooks deliver it. The id is derived from the
 * publishing workflow's key (time-ordered), so a retried activity or a replayed history
 * records it once, and every delivery of it carries the same id.
 */
export interface EventDoc {
  _id: string;
  partnerId: string;
  type: EventType;
  at: Date;
  customerId?: string;
  subject: { kind: string; id: string };
  /** The event's fields as JSON text (free of FerretDB's key restrictions). */
  data: string;
}

export const eventSchema = recordSchema<EventDoc>(
  {
    _id: { type: String, required: true },
    partnerId: { type: String, required: true },
    type: { type: String, required: true, enum: EVENT_TYPES },
    at: { type: Date, required: true },
    customerId: { type: String },
    subject: {
      type: partSchema<EventDoc['subject']>({ kind: { type: String, required: true }, id: { type: String, required: true } }),
      required: true,
    },
    data: { type: String, required: true },
  },
  { collection: 'events' },
);

eventSchema.index({ partnerId: 1, _id: -1 });
