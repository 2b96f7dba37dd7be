import { z } from 'zod';
import { cursor, id, pageLimit, text } from '../api/schemas';
import { EVENT_TYPES } from '../../workflows/events/types';
import { DELIVERY_STATES, ENDPOINT_STATUSES } from './model';

const url = z.string().trim().min(1).max(2000).meta({
  description:
    'Where events are POSTed: http or https, no credentials, no fragment; in production no loopback, private or link-local address (as written or as its name resolves when sent).',
});

const eventTypes = z
  .array(z.enum(EVENT_TYPES))
  .max(EVENT_TYPES.length)
  .refine((types) => new Set(types).size === types.length, 'lists a type twice')
  .meta({ description: 'The event types it receives; empty or absent: every type' });

export const createEndpointSchema = z.strictObject({
  url,
  eventTypes: eventTypes.default([]),
  description: text(200).optional(),
});

export const updateEndpointSchema = z
  .strictObject({
    url: url.optional(),
    eventTypes: eventTypes.optional(),
    description: text(200).optional(),
    enabled: z.boolean().optional().meta({ description: 'false disables it (deliveries under way stop); true enables it again' }),
  })
  .refine((b) => Object.keys(b).length > 0, 'change at least one field');

export const endpointParams = z.strictObject({ endpointId: id('a webhook endpoint id') });

export const replaySchema = z.strictObject({ eventId: id('an event id') });

export const listEndpointsQuery = z.strictObject({ limit: pageLimit, cursor });

export const listDeliveriesQuery = z.strictObject({
  state: z.enum(DELIVERY_STATES).optional(),
  eventId: id('an event id').optional(),
  limit: pageLimit,
  cursor,
});

export const endpointOut = z.object({
  id: z.string(),
  url: z.string(),
  eventTypes: z.array(z.enum(EVENT_TYPES)),
  description: z.string().optional(),
  status: z.enum(ENDPOINT_STATUSES),
  disabledReason: z.string().optional(),
  disabledAt: z.string().optional(),
  createdAt: z.string(),
  updatedAt: z.string(),
});

export const createdEndpointOut = endpointOut.extend({
  secret: z.string().meta({
    description:
      'The signing secret (whsec_…), shown this once: keep it to verify the webhook-signature header of every delivery. offerflow keeps it only encrypted.',
  }),
});

export const attemptOut = z.object({
  attempt: z.number().int(),
  at: z.string(),
  outcome: z
    .enum(['sending', 'delivered', 'failed'])
    .meta({ description: 'sending: no outcome was recorded (the worker stopped during the try; it was tried again)' }),
  status: z.number().int().optional().meta({ description: "The receiver's HTTP status" }),
  latencyMs: z.number().int().optional(),
  error: z.string().optional(),
});

export const deliveryOut = z.object({
  id: z.string(),
  eventId: z.string(),
  eventType: z.enum(EVENT_TYPES),
  state: z.enum(DELIVERY_STATES),
  replay: z.boolean(),
  attempts: z.array(attemptOut),
  createdAt: z.string(),
  finishedAt: z.string().optional(),
  lastError: z.string().optional(),
});
