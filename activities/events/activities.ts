import { createHash } from 'node:crypto';
import type { Client } from '@temporalio/client';
import type { Models } from '../../src/db/models';
import type { PublishedEvent } from '../../workflows/events/types';
import { DEFAULT_DELIVERY_POLICY } from '../../workflows/webhooks/start';
import { insertRecordOnce } from '../records';
import { endpointsFor, startDelivery } from '../../src/webhooks/deliveries';
import type { WebhookSettings } from '../webhooks/settings';

/** The event's id: time-ordered, the rest derived from its key, so a retried activity finds it there. */
export const eventIdOf = (key: string, at: Date): string =>
  `evt_${at.getTime().toString(36).padStart(9, '0')}_${createHash('sha256').update(key, 'utf8').digest('base64url').slice(0, 16)}`;

export function createEventActivities(deps: { models: Models; temporal: Client; taskQueue: string; webhooks?: WebhookSettings }) {
  const { models } = deps;
  return {
    /**
     * Records a lifecycle event once, whatever the retries, and starts its delivery to each of the
     * partner's enabled endpoints that take its type (each delivery once: see startDelivery).
     */
    async publishEvent(e: PublishedEvent): Promise<string> {
      const at = new Date(e.at);
      const id = eventIdOf(e.key, at);
      await insertRecordOnce(models.Event, {
        _id: id,
        partnerId: e.partnerId,
        type: e.type,
        at,
        customerId: e.customerId,
        subject: e.subject,
        data: JSON.stringify(e.data),
      });
      const policy = deps.webhooks?.policy ?? DEFAULT_DELIVERY_POLICY;
      for (const endpoint of await endpointsFor(models, e.partnerId, e.type)) {
        await startDelivery(deps, policy, endpoint, { _id: id, type: e.type }, at);
      }
      return id;
    },
  };
}

export type EventActivities = ReturnType<typeof createEventActivities>;
