import type { PublishedEvent } from '../../workflows/events/types';
import type { TimeSkipping } from '../support/time-skipping';

/** The lifecycle events a workflow published (through the stub `publishEvent`), in order. */
export const published = (ts: TimeSkipping, workflowId: string): PublishedEvent[] => ts.callsTo('publishEvent', workflowId).map(([e]) => e);

/** Each event has a key of its own: the activity records one event per key. */
export function expectKeysApart(events: PublishedEvent[]): void {
  expect(events.length).toBeGreaterThan(0);
  expect(new Set(events.map((e) => e.key)).size).toBe(events.length);
}
