import { PartnerId } from '../search-attributes';
import type { StartOptions } from '../start-options';

/** How deliveries are tried: durations are data (tests retry in milliseconds; the defaults retry for 3 days). */
export interface DeliveryPolicy {
  /** How long one try may take before it counts as failed. */
  timeoutMs: number;
  /** The first wait between tries; each next one doubles, up to maxIntervalMs. */
  initialIntervalMs: number;
  maxIntervalMs: number;
  /** How long tries go on before the delivery counts as failed. */
  retryForMs: number;
}

export const DEFAULT_DELIVERY_POLICY: DeliveryPolicy = {
  timeoutMs: 10_000,
  initialIntervalMs: 10_000,
  maxIntervalMs: 60 * 60_000,
  retryForMs: 3 * 24 * 60 * 60_000,
};

export interface WebhookDeliveryInput {
  deliveryId: string;
  partnerId: string;
  policy: DeliveryPolicy;
}

/** A delivery's id: the event's first delivery to an endpoint, or a replay of it (named by the request that asked). */
export const deliveryIdOf = (endpointId: string, eventId: string, replay?: string): string => `${endpointId}:${eventId}${replay ? `:replay:${replay}` : ''}`;

/** One workflow per delivery: started once whatever retries its starter makes. */
export const webhookDeliveryWorkflowId = (deliveryId: string): string => `webhook-delivery:${deliveryId}`;

export function webhookDeliveryStart(input: WebhookDeliveryInput): StartOptions<[WebhookDeliveryInput]> {
  return {
    workflowId: webhookDeliveryWorkflowId(input.deliveryId),
    args: [input],
    typedSearchAttributes: [{ key: PartnerId, value: input.partnerId }],
  };
}
