import { Context } from '@temporalio/activity';
import type { CustomerDirectory } from '../../src/customers/directory/directory';
import type { DirectoryEntry, DirectoryFacts } from '../../workflows/customer-directory/types';

/** What the partner's directory writer (workflows/customer-directory) runs. */
export function createCustomerDirectoryActivities({ directory }: { directory: CustomerDirectory }) {
  return {
    /**
     * Writes customers into the partner's directory, and merges facts published about
     * them (idempotent; an entry or fact older than the stored one is ignored). Answers
     * how long it took, which paces the writer, and whether the directory's layout is
     * older than the current one (then the writer upgrades it: upgradeDirectory).
     */
    async applyToDirectory(partnerId: string, entries: DirectoryEntry[], facts: DirectoryFacts[] = []): Promise<{ ms: number; outdated?: boolean }> {
      const started = performance.now();
      const { outdated } = await directory.apply(
        partnerId,
        entries.map(({ at, ...e }) => ({ ...e, at: new Date(at) })),
        facts.map(({ kind: _kind, partnerId: _partnerId, at, ...f }) => ({ ...f, at: new Date(at) })),
      );
      return { ms: Math.round(performance.now() - started), ...(outdated ? { outdated } : {}) };
    },

    /**
     * Brings the partner's directory up to the current layout (see CustomerDirectory.upgradeSlice),
     * a slice at a time, heartbeating after each; answers at once for a directory that is current.
     */
    async upgradeDirectory(partnerId: string): Promise<{ customers: number }> {
      for (;;) {
        const progress = await directory.upgradeSlice(partnerId);
        if (progress.done) return { customers: progress.of };
        Context.current().heartbeat(progress);
      }
    },
  };
}

export type CustomerDirectoryActivities = ReturnType<typeof createCustomerDirectoryActivities>;
