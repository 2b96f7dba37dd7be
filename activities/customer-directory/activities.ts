import type { CustomerDirectory } from '../../src/customers/directory/directory';
import type { DirectoryEntry, DirectoryFacts } from '../../workflows/customer-directory/types';

/** What the partner's directory writer (workflows/customer-directory) runs. */
export function createCustomerDirectoryActivities({ directory }: { directory: CustomerDirectory }) {
  return {
    /**
     * Writes customers into the partner's directory, and merges facts published about
     * them (idempotent; an entry or fact older than the stored one is ignored). Answers
     * how long it took, which paces the writer.
     */
    async applyToDirectory(partnerId: string, entries: DirectoryEntry[], facts: DirectoryFacts[] = []): Promise<{ ms: number }> {
      const started = performance.now();
      await directory.apply(
        partnerId,
        entries.map(({ at, ...e }) => ({ ...e, at: new Date(at) })),
        facts.map(({ kind: _kind, partnerId: _partnerId, at, ...f }) => ({ ...f, at: new Date(at) })),
      );
      return { ms: Math.round(performance.now() - started) };
    },
  };
}

export type CustomerDirectoryActivities = ReturnType<typeof createCustomerDirectoryActivities>;
