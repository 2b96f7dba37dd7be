import { ApplicationFailure } from '@temporalio/activity';
import type { Client } from '@temporalio/client';
import { z } from 'zod';
import type { DirectoryEntry } from '../../workflows/customer-directory/types';
import { INVALID_RECORD } from '../records';
import { DirectorySignaller } from './signaller';

export interface PublishDeps {
  /** For signalling the partner's directory writer. */
  temporal: Client;
  taskQueue: string;
  /** Gathering time of a partner's directory writer (see customerDirectoryWorkflow); 0 or unset: none. */
  directoryRefreshMs?: number;
}

const count = z.number().int().min(0).max(1_000_000);

/** What `publishCustomerFacts` takes: checked when it runs (a malformed fact fails the activity for good). */
export const customerFactsInput = z.strictObject({
  partnerId: z.string().min(1).max(200),
  customerId: z.string().min(1).max(200),
  /** When the facts held (ISO 8601): a fact older than the one listed is ignored; the latest moment is the customer's last activity. */
  at: z.iso.datetime({ offset: true }),
  delegatedAdmin: z
    .strictObject({
      state: z.enum(['none', 'pending', 'active', 'expiring']),
      endsAt: z.iso.datetime({ offset: true }).optional(),
    })
    .optional(),
  openRequests: z.strictObject({ critical: count, moderate: count, minimal: count }).optional(),
});

/**
 * Facts about one customer of a partner, published by a workflow other than its onboarding:
 *
 * - `delegatedAdmin`: where delegated administration stands between them (`none`, `pending`,
 *   `active`, `expiring`) and when the relationship ends;
 * - `openRequests`: how many service requests are open (not closed), by severity.
 *
 * Either may be left out (that fact is left as it is). Call it from a workflow with the
 * workflow's clock for `at` (`isoNow()`), e.g.
 * `proxyActivities<CustomerPublishingActivities>(persistenceActivityOptions).publishCustomerFacts({...})`.
 */
export type PublishCustomerFactsInput = z.input<typeof customerFactsInput>;

/** What the workflows that change a customer run to have it listed. */
export function createCustomerPublishingActivities(deps: PublishDeps) {
  const signaller = new DirectorySignaller(deps.temporal, deps.taskQueue, deps.directoryRefreshMs ?? 0);
  return {
    /** Hands a customer change to the partner's directory writer (starting it if needed). */
    async publishCustomer(entry: DirectoryEntry): Promise<void> {
      await signaller.send(entry);
    },

    /**
     * Hands facts about a customer to the partner's directory writer (the same single writer
     * as `publishCustomer`, starting it if needed), which merges them into the customer's
     * record: the customer list filters by them and sorts by last activity. Facts for a
     * customer the directory does not list yet are held and merged when it is. Idempotent:
     * the same facts twice change nothing but the order of arrival, which does not matter.
     */
    async publishCustomerFacts(input: PublishCustomerFactsInput): Promise<void> {
      const parsed = customerFactsInput.safeParse(input);
      if (!parsed.success) throw ApplicationFailure.nonRetryable(`customer facts refused: ${z.prettifyError(parsed.error)}`, INVALID_RECORD);
      const { at, ...facts } = parsed.data;
      await signaller.send({ kind: 'facts', ...facts, at: new Date(at).toISOString() });
    },
  };
}

export type CustomerPublishingActivities = ReturnType<typeof createCustomerPublishingActivities>;
