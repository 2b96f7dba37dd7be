/**
 * The lifecycle events a partner hears through its webhooks, named once here. Each one is
 * published by the workflow that made the change, with the change (see publish.ts).
 */
export const EVENT_TYPES = [
  'invitation.accepted',
  'trial.started',
  'trial.ending-soon',
  'trial.expired',
  'offer.accepted',
  'offer.declined',
  'offer.expired',
  'subscription.created',
  'subscription.changed',
  'subscription.renewed',
  'subscription.cancelled',
  'delegated-admin.accepted',
  'delegated-admin.ended',
  'product-key.redeemed',
  'service-request.changed',
] as const;

export type EventType = (typeof EVENT_TYPES)[number];

/** What a workflow publishes: the event's type, whom it is for and what it says. */
export interface LifecycleEvent {
  type: EventType;
  /** The partner that hears it (for a subscription's events: its partner of record). */
  partnerId: string;
  customerId?: string;
  /** The thing that changed: a subscription, an offer, a relationship... */
  subject: { kind: string; id: string };
  /** The event's own fields (JSON): the receiver's view of the change. */
  data: Record<string, unknown>;
}

/** An event as the publishing activity records it: with its deterministic key and workflow time. */
export interface PublishedEvent extends LifecycleEvent {
  /** The workflow and the step or update that made the change, and the type: the same on every retry and replay. */
  key: string;
  at: string;
}
