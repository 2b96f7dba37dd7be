import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { AcceptOfferRequest, CloseOfferRequest, OfferState, PurchaseResult } from './types';

export const offerStateQuery = defineQuery<OfferState>('state');

/**
 * The customer accepts, possibly changing license counts: refused unless the offer is open for it.
 * `customerCreated`: a joining offer's acceptance made a new tenant.
 */
export const acceptOfferUpdate = defineUpdate<OfferState & PurchaseResult & { customerCreated?: boolean }, [AcceptOfferRequest]>('accept');

export const declineOfferUpdate = defineUpdate<OfferState, [CloseOfferRequest]>('decline');

export const revokeOfferUpdate = defineUpdate<OfferState, [CloseOfferRequest]>('revoke');

/** A newer offer to the same customer replaces this one, if it is still open; sent by the customer's onboarding. */
export const supersedeOfferSignal = defineSignal<[{ byOfferId: string }]>('superseded');

/**
 * The same as an update, as the API sent it before the onboardings kept track of open
 * offers: kept so that offers superseded that way replay (refused unless it is open).
 */
export const supersedeOfferUpdate = defineUpdate<OfferState, [{ byOfferId: string }]>('supersede');

/** Completes once the offer is stored; used with update-with-start, so creating answers with stored state. */
export const offerRecordedUpdate = defineUpdate<OfferState>('recorded');
