import { defineQuery } from '@temporalio/workflow';

/** How far a clean-up run is, and what it has deleted. */
export interface CleanupState {
  step: 'idempotency-keys' | 'unsent-offers' | 'done';
  idempotencyKeys?: number;
  unsentOffers?: number;
}

export const cleanupStateQuery = defineQuery<CleanupState>('state');
