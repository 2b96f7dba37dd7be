import type { z } from 'zod';
import type { WebhookAttemptDoc, WebhookDeliveryDoc, WebhookEndpointDoc } from './model';
import type { deliveryOut, endpointOut } from './schemas';

export function presentEndpoint(e: WebhookEndpointDoc): z.infer<typeof endpointOut> {
  return {
    id: e._id,
    url: e.url,
    eventTypes: e.eventTypes,
    description: e.description,
    status: e.status,
    disabledReason: e.disabledReason,
    disabledAt: e.disabledAt?.toISOString(),
    createdAt: e.createdAt.toISOString(),
    updatedAt: e.updatedAt.toISOString(),
  };
}

export function presentDelivery(d: WebhookDeliveryDoc, attempts: WebhookAttemptDoc[]): z.infer<typeof deliveryOut> {
  return {
    id: d._id,
    eventId: d.eventId,
    eventType: d.eventType,
    state: d.state,
    replay: d.replay,
    attempts: attempts
      .sort((a, b) => a.attempt - b.attempt)
      .map((a) => ({ attempt: a.attempt, at: a.at.toISOString(), outcome: a.outcome, status: a.status, latencyMs: a.latencyMs, error: a.error })),
    createdAt: d.createdAt.toISOString(),
    finishedAt: d.finishedAt?.toISOString(),
    lastError: d.lastError,
  };
}
