import type { DirectoryEntry, DirectoryOptions } from './types';

/** The one writer of a partner's customer directory. */
export const customerDirectoryWorkflowId = (partnerId: string): string => `customer-directory:${partnerId}`;

/** A partner's directory writer, started by the first change signalled to it. */
export function customerDirectoryStart(partnerId: string, options: DirectoryOptions) {
  return {
    workflowId: customerDirectoryWorkflowId(partnerId),
    args: [partnerId, [] as DirectoryEntry[], options] as [string, DirectoryEntry[], DirectoryOptions],
  };
}
