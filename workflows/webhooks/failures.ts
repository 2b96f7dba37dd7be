/** Why a webhook try failed for good (no retry mends it). */
export const WebhookFailure = {
  /** Its endpoint was disabled or deleted meanwhile: the delivery is skipped. */
  EndpointGone: 'WebhookEndpointGone',
  /** Its URL names an address webhooks may not reach (an internal one, unless allowed). */
  UrlRefused: 'WebhookUrlRefused',
} as const;

/** A try the receiver did not take (an answer other than 2xx, a time-out, a refused connection): tried again. */
export const WEBHOOK_NOT_TAKEN = 'WebhookNotTaken';
