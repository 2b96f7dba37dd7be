import type { Client } from '@temporalio/client';
import type { DirectoryEntry } from '../../workflows/customer-directory/types';
import { DirectorySignaller } from './signaller';

export interface PublishDeps {
  /** For signalling the partner's directory writer. */
  temporal: Client;
  taskQueue: string;
  /** Gathering time of a partner's directory writer (see customerDirectoryWorkflow); 0 or unset: none. */
  directoryRefreshMs?: number;
}

/** What the workflows that change a customer run to have it listed. */
export function createCustomerPublishingActivities(deps: PublishDeps) {
  const signaller = new DirectorySignaller(deps.temporal, deps.taskQueue, deps.directoryRefreshMs ?? 0);
  return {
    /** Hands a customer change to the partner's directory writer (starting it if needed). */
    async publishCustomer(entry: DirectoryEntry): Promise<void> {
      await signaller.send(entry);
    },
  };
}

export type CustomerPublishingActivities = ReturnType<typeof createCustomerPublishingActivities>;
