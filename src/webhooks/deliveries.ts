import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import type { Models } from '../db/models';
import type { EventDoc } from '../events/model';
import { insertOnce } from '../db/duplicate-key';
import type { EventType } from '../../workflows/events/types';
import { deliveryIdOf, webhookDeliveryStart, type DeliveryPolicy } from '../../workflows/webhooks/start';
import { webhookDeliveryWorkflow } from '../../workflows/webhooks/workflow';
import type { WebhookEndpointDoc } from './model';

/**
 * Starts the delivery of an event to one endpoint: its record, then its workflow, each once whatever
 * the retries (a delivery that finished is not started again). `replay` names a replay's request.
 */
export async function startDelivery(
  { models, temporal, taskQueue }: { models: Models; temporal: Client; taskQueue: string },
  policy: DeliveryPolicy,
  endpoint: Pick<WebhookEndpointDoc, '_id' | 'partnerId'>,
  event: Pick<EventDoc, '_id' | 'type'>,
  at: Date,
  replay?: string,
): Promise<string> {
  const deliveryId = deliveryIdOf(endpoint._id, event._id, replay);
  await insertOnce(models.WebhookDelivery, {
    _id: deliveryId,
    partnerId: endpoint.partnerId,
    endpointId: endpoint._id,
    eventId: event._id,
    eventType: event.type,
    state: 'pending',
    replay: replay !== undefined,
    attempts: 0,
    createdAt: at,
  });
  try {
    await temporal.workflow.start(webhookDeliveryWorkflow, {
      ...webhookDeliveryStart({ deliveryId, partnerId: endpoint.partnerId, policy }),
      taskQueue,
      workflowIdReusePolicy: 'REJECT_DUPLICATE',
    });
  } catch (err) {
    if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
  }
  return deliveryId;
}

/** The endpoints of a partner that take events of this type. */
export async function endpointsFor(models: Models, partnerId: string, type: EventType) {
  const enabled = await models.WebhookEndpoint.find({ partnerId, status: 'enabled' }, { _id: 1, partnerId: 1, eventTypes: 1 }).lean();
  return enabled.filter((e) => e.eventTypes.length === 0 || e.eventTypes.includes(type));
}
