import type { SecretBox } from '../../src/webhooks/secret-box';
import type { DeliveryPolicy } from '../../workflows/webhooks/start';

/** How the worker delivers webhooks (from the WEBHOOK_* settings). */
export interface WebhookSettings {
  /** Opens the endpoints' sealed secrets (OFFERFLOW_SECRET_KEY). */
  secrets: SecretBox;
  /** Whether URLs may name loopback or private addresses (tests, closed networks). */
  allowPrivateUrls: boolean;
  policy: DeliveryPolicy;
  /** An endpoint is disabled after this many deliveries in a row failed (each after its retries ran out). */
  disableAfterFailedDeliveries: number;
}
