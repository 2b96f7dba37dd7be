import { defineSignal } from '@temporalio/workflow';
import type { DirectoryEntry } from './types';

/** A customer of the partner was added or changed. */
export const customerChangedSignal = defineSignal<[DirectoryEntry]>('customerChanged');
