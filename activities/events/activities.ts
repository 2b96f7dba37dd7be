import { createHash } from 'node:crypto';
import type { Models } from '../../src/db/models';
import type { PublishedEvent } from '../../workflows/events/types';
import { insertRecordOnce } from '../records';

/** The event's id: time-ordered, the rest derived from its key, so a retried activity finds it there. */
export const eventIdOf = (key: string, at: Date): string =>
  `evt_${at.getTime().toString(36).padStart(9, '0')}_${createHash('sha256').update(key, 'utf8').digest('base64url').slice(0, 16)}`;

export function createEventActivities({ models }: { models: Models }) {
  return {
    /** Records a lifecycle event once, whatever the retries. */
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
      return id;
    },
  };
}

export type EventActivities = ReturnType<typeof createEventActivities>;
