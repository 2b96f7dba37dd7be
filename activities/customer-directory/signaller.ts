import type { Client } from '@temporalio/client';
import { customerDirectoryWorkflow } from '../../workflows/customer-directory/workflow';
import { customerDirectoryStart } from '../../workflows/customer-directory/start';
import { customersChangedSignal } from '../../workflows/customer-directory/messages';
import type { DirectoryChange } from '../../workflows/customer-directory/types';

interface Waiting {
  entry: DirectoryChange;
  resolve: () => void;
  reject: (err: unknown) => void;
}

/**
 * Hands customer changes to each partner's directory writer, one signal at a time per
 * partner from this process: what arrives while a signal is on its way goes, in order,
 * in the next one. Each caller's promise settles when the signal carrying its change
 * did (so an activity completes only once its change is with the writer).
 *
 * Why: Temporal serialises the requests to one workflow. A signal for every change
 * from a hundred activities at once keeps the writer's lock busy, so that its own
 * workflow and activity tasks cannot start and it never writes.
 */
export class DirectorySignaller {
  private readonly queues = new Map<string, Waiting[]>();

  constructor(
    private readonly temporal: Client,
    private readonly taskQueue: string,
    private readonly refreshMs: number,
  ) {}

  send(entry: DirectoryChange): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const queue = this.queues.get(entry.partnerId);
      if (queue) {
        queue.push({ entry, resolve, reject }); // a signal is on its way: this goes in the next
        return;
      }
      const fresh = [{ entry, resolve, reject }];
      this.queues.set(entry.partnerId, fresh);
      void this.drain(entry.partnerId, fresh);
    });
  }

  private async drain(partnerId: string, queue: Waiting[]): Promise<void> {
    while (queue.length > 0) {
      const batch = queue.splice(0, MAX_ENTRIES_PER_SIGNAL);
      try {
        await this.temporal.workflow.signalWithStart(customerDirectoryWorkflow, {
          ...customerDirectoryStart(partnerId, { refreshMs: this.refreshMs }),
          taskQueue: this.taskQueue,
          signal: customersChangedSignal,
          signalArgs: [batch.map((w) => w.entry)],
        });
        for (const w of batch) w.resolve();
      } catch (err) {
        for (const w of batch) w.reject(err); // their activities retry
      }
    }
    this.queues.delete(partnerId);
  }
}

/** About 150 KB of entries: well inside a signal's size limit. */
const MAX_ENTRIES_PER_SIGNAL = 500;
