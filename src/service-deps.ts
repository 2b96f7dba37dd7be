import type { Client } from '@temporalio/client';
import type { CustomerDirectory } from './customers/directory/directory';
import type { Models } from './db/models';
import type { WebhookServiceSettings } from './webhooks/service';

/** What the services are built from. */
export interface ServiceDeps {
  models: Models;
  /** The partners' customer directories (read model of list and search). */
  directory: CustomerDirectory;
  temporal: Client;
  taskQueue: string;
  /** Base of customer-facing links, e.g. https://offers.example.com */
  publicUrl: string;
  /**
   * How long a request waits for a workflow to confirm (a record stored, a change made) before answering
   * that it is on its way (202 for a create) or still in progress (503 change-in-progress, retry with the same key).
   */
  updateWaitMs: number;
  /** Derives the one-time passwords of password resets retried with an Idempotency-Key (random when absent: then only the first attempt's holds). */
  otpKey?: Buffer;
  /** How long a service request may need attention before its partner is reminded, unless the request says (default: 2 days). */
  serviceRequestReminderMs?: number;
  /** Webhook secrets' key, the URL rule and the policy of replayed deliveries. */
  webhooks: WebhookServiceSettings;
}
