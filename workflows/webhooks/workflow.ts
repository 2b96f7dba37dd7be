import { ActivityFailure, ApplicationFailure, proxyActivities, setHandler } from '@temporalio/workflow';
import type { WebhookActivities } from '../../activities/webhooks/activities';
import { persistenceActivityOptions } from '../activity-options';
import { WebhookFailure } from './failures';
import { webhookDeliveryStateQuery, type WebhookDeliveryState } from './messages';
import type { WebhookDeliveryInput } from './start';

const { finishWebhookDelivery } = proxyActivities<WebhookActivities>(persistenceActivityOptions);

/**
 * One event to one endpoint. The try is an activity that Temporal retries with exponential backoff
 * until the receiver answers 2xx or the policy's time is up (3 days by default); a worker that dies
 * during a try is noticed by the try's time-out and the event is sent again, with the same id.
 * Then the delivery is closed: delivered (by the try the receiver took), failed (a run of failed deliveries disables the endpoint
 * and e-mails the partner) or skipped (the endpoint went away meanwhile).
 */
export async function webhookDeliveryWorkflow(input: WebhookDeliveryInput): Promise<'delivered' | 'failed' | 'skipped'> {
  const { policy } = input;
  const state: WebhookDeliveryState = { deliveryId: input.deliveryId, step: 'sending' };
  setHandler(webhookDeliveryStateQuery, () => state);
  const { sendWebhook } = proxyActivities<WebhookActivities>({
    startToCloseTimeout: policy.timeoutMs + 5_000,
    scheduleToCloseTimeout: policy.retryForMs,
    retry: {
      initialInterval: policy.initialIntervalMs,
      backoffCoefficient: 2,
      maximumInterval: policy.maxIntervalMs,
      nonRetryableErrorTypes: [WebhookFailure.EndpointGone, WebhookFailure.UrlRefused],
    },
  });
  try {
    await sendWebhook(input.deliveryId, policy.timeoutMs); // the try the receiver takes closes the delivery itself
    state.step = 'delivered';
  } catch (err) {
    if (!(err instanceof ActivityFailure)) throw err;
    const cause = err.cause;
    const outcome = cause instanceof ApplicationFailure && cause.type === WebhookFailure.EndpointGone ? 'skipped' : 'failed';
    await finishWebhookDelivery(input.deliveryId, outcome, cause?.message ?? err.message);
    state.step = outcome;
  }
  return state.step;
}
