import { defineQuery } from '@temporalio/workflow';

export interface WebhookDeliveryState {
  deliveryId: string;
  /** sending: tries under way (the delivery log has each); then how it ended. */
  step: 'sending' | 'delivered' | 'failed' | 'skipped';
}

export const webhookDeliveryStateQuery = defineQuery<WebhookDeliveryState>('state');
