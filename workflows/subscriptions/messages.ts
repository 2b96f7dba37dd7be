import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { LicenseChangeRequest, PricePreview, SubscriptionState } from './types';

export const subscriptionStateQuery = defineQuery<SubscriptionState>('state');

/** What changing to this many licenses would cost now (prorated), and whether a decrease is allowed. */
export const pricePreviewQuery = defineQuery<PricePreview, [number]>('pricePreview');

/** Changes the license count: within the catalog's bounds; down only inside the cancellation window and never below the assigned licenses. */
export const changeLicensesUpdate = defineUpdate<SubscriptionState, [LicenseChangeRequest]>('changeLicenses');
