import { defineQuery, defineSignal } from '@temporalio/workflow';
import type { DirectoryEntry } from './types';

/** A customer of the partner was added or changed. */
export const customerChangedSignal = defineSignal<[DirectoryEntry]>('customerChanged');

/** Customers of the partner were added or changed (in order): what one worker gathered while its last signal was on its way. */
export const customersChangedSignal = defineSignal<[DirectoryEntry[]]>('customersChanged');

/** What the writer holds: changes waiting to be written, and what it has written in this run. */
export interface DirectoryWriterState {
  partnerId: string;
  pending: number;
  batchesWritten: number;
  customersWritten: number;
  lastWriteMs: number;
}

export const directoryWriterStateQuery = defineQuery<DirectoryWriterState>('state');
