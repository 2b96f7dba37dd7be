import type { Client } from '@temporalio/client';
import type { CustomerDirectory } from '../src/customers/directory/directory';
import type { Models } from '../src/db/models';
import type { Mailer } from '../src/outbox/mailer';
import { createActingActivities } from './acting/activities';
import { createAuditActivities } from './audit/activities';
import { createCustomerDirectoryActivities } from './customer-directory/activities';
import { createCustomerPublishingActivities } from './customer-directory/publish';
import { createCustomerActivities } from './customers/activities';
import { createDelegatedAdminActivities } from './delegated-admin/activities';
import { createEventActivities } from './events/activities';
import { createFunnelActivities } from './funnel/activities';
import { createInvitationActivities } from './invitations/activities';
import { createMaintenanceActivities } from './maintenance/activities';
import { createOfferActivities } from './offers/activities';
import { createOutboxActivities } from './outbox/activities';
import { createProductKeyActivities } from './product-keys/activities';
import { createServiceRequestActivities } from './service-requests/activities';
import { createSubscriptionActivities } from './subscriptions/activities';
import { createTimelineActivities } from './timeline/activities';
import { createWebhookActivities } from './webhooks/activities';
import type { WebhookSettings } from './webhooks/settings';

export interface ActivityDeps {
  models: Models;
  directory: CustomerDirectory;
  /** For activities that signal or update other workflows (the directory writer, the onboarding). */
  temporal: Client;
  taskQueue: string;
  /** Sends e-mail when SMTP_URL is set; otherwise the outbox only records. */
  mailer?: Mailer;
  /** Base of the links customers open (PUBLIC_URL): the delegated-admin e-mails carry theirs. */
  publicUrl?: string;
  /** How webhooks are delivered, and the key that opens their secrets (absent: events are recorded, deliveries fail). */
  webhooks?: WebhookSettings;
  /** Gathering time of each partner's directory writer before it writes (0 or unset: none). */
  directoryRefreshMs?: number;
}

/** Every activity the worker registers, built from its dependencies. */
export function createActivities(deps: ActivityDeps) {
  return {
    ...createActingActivities(deps),
    ...createAuditActivities(deps),
    ...createCustomerActivities(deps),
    ...createCustomerDirectoryActivities(deps),
    ...createCustomerPublishingActivities(deps),
    ...createDelegatedAdminActivities(deps),
    ...createEventActivities(deps),
    ...createFunnelActivities(deps),
    ...createInvitationActivities(deps),
    ...createMaintenanceActivities(deps),
    ...createOfferActivities(deps),
    ...createOutboxActivities(deps),
    ...createProductKeyActivities(deps),
    ...createServiceRequestActivities(deps),
    ...createSubscriptionActivities(deps),
    ...createTimelineActivities(deps),
    ...createWebhookActivities(deps),
  };
}

export type Activities = ReturnType<typeof createActivities>;
