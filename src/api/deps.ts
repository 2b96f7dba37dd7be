import type { Client } from '@temporalio/client';
import type { CustomerDirectory } from '../customers/directory/directory';
import type { Models } from '../db/models';
import type { Logger } from '../logger';
import type { RateLimiter } from './rate-limit';

/** What every route module is built from. */
export interface ApiDeps {
  models: Models;
  directory: CustomerDirectory;
  temporal: Client;
  taskQueue: string;
  /** Base of customer-facing links, e.g. https://offers.example.com */
  publicUrl: string;
  logger: Logger;
  /** How long a request waits for a workflow to confirm (e.g. the record stored) before answering 202. */
  updateWaitMs: number;
  rateLimiter: RateLimiter;
  /** SHA-256 (hex) of the operator token; operator routes answer 401 without it. */
  operatorTokenHash?: string;
}
