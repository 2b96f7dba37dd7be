import { recordSchema } from '../db/record';
import { EVENT_TYPES, type EventType } from '../../workflows/events/types';

export const ENDPOINT_STATUSES = ['enabled', 'disabled'] as const;
export type EndpointStatus = (typeof ENDPOINT_STATUSES)[number];

/** A partner's webhook endpoint: where its events go, which ones, and the secret that signs them (sealed). */
export interface WebhookEndpointDoc {
  _id: string;
  partnerId: string;
  url: string;
  /** The event types it receives; empty: every type. */
  eventTypes: EventType[];
  description?: string;
  /** The signing secret, sealed (src/webhooks/secret-box.ts): never stored in clear. */
  sealedSecret: string;
  status: EndpointStatus;
  /** Why it was disabled: by a partner user, or after a run of deliveries that failed. */
  disabledReason?: string;
  disabledAt?: Date;
  /** The delivery whose failure disabled it (its e-mail to the partner is keyed by it). */
  disabledBy?: string;
  /** When it was last enabled again: a run of failed deliveries counts from there. */
  enabledAt?: Date;
  createdBy: string;
  createdAt: Date;
  updatedAt: Date;
}

export const webhookEndpointSchema = recordSchema<WebhookEndpointDoc>(
  {
    _id: { type: String, required: true },
    partnerId: { type: String, required: true },
    url: { type: String, required: true },
    eventTypes: { type: [{ type: String, enum: EVENT_TYPES }], default: [] },
    description: { type: String },
    sealedSecret: { type: String, required: true },
    status: { type: String, required: true, enum: ENDPOINT_STATUSES },
    disabledReason: { type: String },
    disabledAt: { type: Date },
    disabledBy: { type: String },
    enabledAt: { type: Date },
    createdBy: { type: String, required: true },
    createdAt: { type: Date, required: true },
    updatedAt: { type: Date, required: true },
  },
  { collection: 'webhook_endpoints' },
);

webhookEndpointSchema.index({ partnerId: 1, _id: 1 });

export const DELIVERY_STATES = ['pending', 'delivered', 'failed', 'skipped'] as const;
export type DeliveryState = (typeof DELIVERY_STATES)[number];

/**
 * One event to one endpoint: its workflow retries it (exponential backoff, for days) until the
 * receiver answers 2xx. A replay is another delivery of the same event (same event id).
 */
export interface WebhookDeliveryDoc {
  _id: string;
  partnerId: string;
  endpointId: string;
  eventId: string;
  eventType: EventType;
  /** pending: being tried; delivered: a 2xx; failed: retries ran out; skipped: the endpoint was disabled or deleted meanwhile. */
  state: DeliveryState;
  replay: boolean;
  attempts: number;
  lastStatus?: number;
  lastError?: string;
  createdAt: Date;
  /** When it was delivered, failed or skipped. */
  finishedAt?: Date;
}

export const webhookDeliverySchema = recordSchema<WebhookDeliveryDoc>(
  {
    _id: { type: String, required: true },
    partnerId: { type: String, required: true },
    endpointId: { type: String, required: true },
    eventId: { type: String, required: true },
    eventType: { type: String, required: true, enum: EVENT_TYPES },
    state: { type: String, required: true, enum: DELIVERY_STATES },
    replay: { type: Boolean, required: true },
    attempts: { type: Number, required: true },
    lastStatus: { type: Number },
    lastError: { type: String },
    createdAt: { type: Date, required: true },
    finishedAt: { type: Date },
  },
  { collection: 'webhook_deliveries' },
);

webhookDeliverySchema.index({ endpointId: 1, createdAt: -1 });
webhookDeliverySchema.index({ endpointId: 1, finishedAt: -1 });

/** One try of a delivery: what the receiver answered (or why nothing), and how long it took. */
export interface WebhookAttemptDoc {
  /** `<deliveryId>#<attempt>`: a retried activity writes its own try once. */
  _id: string;
  deliveryId: string;
  endpointId: string;
  attempt: number;
  at: Date;
  /** sending: no outcome recorded (the worker stopped during the try). */
  outcome: 'sending' | 'delivered' | 'failed';
  status?: number;
  latencyMs?: number;
  error?: string;
}

export const webhookAttemptSchema = recordSchema<WebhookAttemptDoc>(
  {
    _id: { type: String, required: true },
    deliveryId: { type: String, required: true },
    endpointId: { type: String, required: true },
    attempt: { type: Number, required: true },
    at: { type: Date, required: true },
    outcome: { type: String, required: true, enum: ['sending', 'delivered', 'failed'] },
    status: { type: Number },
    latencyMs: { type: Number },
    error: { type: String },
  },
  { collection: 'webhook_attempts' },
);

webhookAttemptSchema.index({ deliveryId: 1 });
