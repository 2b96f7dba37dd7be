import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { OfferSent, PurchaseRequest, PurchaseResult } from '../offers/types';
import type { CancelTrialRequest, OnboardingState } from './types';

/** Where the customer stands, and how it got there. */
export const onboardingStateQuery = defineQuery<OnboardingState>('state');

/** The customer ends its trial before buying: the onboarding ends as cancelled and the trial is removed. */
export const cancelTrialUpdate = defineUpdate<OnboardingState, [CancelTrialRequest]>('cancelTrial');

/** An offer accepted: the trial converts (same subscription) or subscriptions are created. Idempotent per offer. */
export const purchaseUpdate = defineUpdate<PurchaseResult, [PurchaseRequest]>('purchase');

/**
 * An offer was sent to the customer: the newest open offer supersedes the older
 * ones (done before it answers, so an older offer cannot be bought once this
 * one is announced). Idempotent per offer.
 */
export const offerSentUpdate = defineUpdate<void, [OfferSent]>('offerSent');
