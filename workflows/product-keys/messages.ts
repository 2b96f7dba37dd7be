import { defineQuery } from '@temporalio/workflow';
import type { RegistrationSummary } from '../../activities/product-keys/activities';

/** Where a registration's job stands (its progress line by line is in its stored record). */
export interface KeyRegistrationState {
  registrationId: string;
  step: 'registering' | 'done';
  summary?: RegistrationSummary;
}

export const keyRegistrationStateQuery = defineQuery<KeyRegistrationState>('state');
