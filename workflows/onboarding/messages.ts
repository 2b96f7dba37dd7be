import { defineQuery } from '@temporalio/workflow';
import type { OnboardingState } from './types';

/** Where the customer stands, and how it got there. */
export const onboardingStateQuery = defineQuery<OnboardingState>('state');
