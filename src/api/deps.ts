import type { Client } from '@temporalio/client';
import type { Models } from '../db/models';
import type { Logger } from '../logger';

/** What every route module is built from. */
export interface ApiDeps {
  models: Models;
  temporal: Client;
  taskQueue: string;
  /** Base of customer-facing links, e.g. https://offers.example.com */
  publicUrl: string;
  logger: Logger;
  /** How long a request waits for a workflow to confirm (e.g. the record stored) before answering 202. */
  updateWaitMs: number;
}
