import type { CustomerDirectory } from '../../src/customers/directory/directory';
import type { DirectoryEntry } from '../../workflows/customer-directory/types';

export function createCustomerDirectoryActivities({ directory }: { directory: CustomerDirectory }) {
  return {
    /** Writes customers into the partner's directory (idempotent; an entry older than the stored one is ignored). */
    async applyToDirectory(partnerId: string, entries: DirectoryEntry[]): Promise<void> {
      await directory.apply(
        partnerId,
        entries.map(({ at, ...e }) => ({ ...e, at: new Date(at) })),
      );
    },
  };
}

export type CustomerDirectoryActivities = ReturnType<typeof createCustomerDirectoryActivities>;
