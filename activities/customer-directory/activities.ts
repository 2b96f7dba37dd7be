import type { Client } from '@temporalio/client';
import type { CustomerDirectory } from '../../src/customers/directory/directory';
import type { DirectoryEntry } from '../../workflows/customer-directory/types';
import { DirectorySignaller } from './signaller';

export interface CustomerDirectoryActivityDeps {
  directory: CustomerDirectory;
  /** For signalling the partner's directory writer. */
  temporal: Client;
  taskQueue: string;
  /** Gathering time of a partner's directory writer (see customerDirectoryWorkflow); 0 or unset: none. */
  directoryRefreshMs?: number;
}

export function createCustomerDirectoryActivities(deps: CustomerDirectoryActivityDeps) {
  const signaller = new DirectorySignaller(deps.temporal, deps.taskQueue, deps.directoryRefreshMs ?? 0);
  return {
    /** Hands a customer change to the partner's directory writer (starting it if needed). */
    async publishCustomer(entry: DirectoryEntry): Promise<void> {
      await signaller.send(entry);
    },

    /**
     * Writes customers into the partner's directory (idempotent; an entry older than the
     * stored one is ignored). Answers how long it took, which paces the writer.
     */
    async applyToDirectory(partnerId: string, entries: DirectoryEntry[]): Promise<{ ms: number }> {
      const started = performance.now();
      await deps.directory.apply(
        partnerId,
        entries.map(({ at, ...e }) => ({ ...e, at: new Date(at) })),
      );
      return { ms: Math.round(performance.now() - started) };
    },
  };
}

export type CustomerDirectoryActivities = ReturnType<typeof createCustomerDirectoryActivities>;
