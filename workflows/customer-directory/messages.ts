import { defineQuery, defineSignal } from '@temporalio/workflow';
import type { DirectoryChange, DirectoryEntry } from './types';

/** A customer of the partner was added or changed. */
export const customerChangedSignal = defineSignal<[DirectoryEntry]>('customerChanged');

/**
 * Customers of the partner were added or changed (in order): what one worker gathered while its last signal was on its way.
 * Whole entries, and since facts were published, facts too (an entry has no `kind`: older signals read the same).
 */
export const customersChangedSignal = defineSignal<[DirectoryChange[]]>('customersChanged');

/** What the writer holds: changes waiting to be written, and what it has written in this run. */
export interface DirectoryWriterState {
  partnerId: string;
  pending: number;
  batchesWritten: number;
  customersWritten: number;
  lastWriteMs: number;
}

export const directoryWriterStateQuery = defineQuery<DirectoryWriterState>('state');
