import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type {
  LicenseChangeRequest,
  PartnerOfRecordAnswer,
  PartnerOfRecordChangeRequest,
  PartnerOfRecordRemoval,
  PricePreview,
  RenewalRequest,
  SubscriptionState,
} from './types';

export const subscriptionStateQuery = defineQuery<SubscriptionState>('state');

/**
 * What changing to this many licenses would cost at the caller's time (ms; prorated), and whether a
 * decrease is allowed then. Without a time, as of the workflow's last task: a query cannot move the
 * workflow's clock, which may lie days back when nothing has happened since.
 */
export const pricePreviewQuery = defineQuery<PricePreview, [licenses: number, atMs?: number]>('pricePreview');

/** Changes the license count: within the catalog's bounds; down only inside the cancellation window and never below the assigned licenses. */
export const changeLicensesUpdate = defineUpdate<SubscriptionState, [LicenseChangeRequest]>('changeLicenses');

/** Sets whether it renews at the end of each billing period; one that does not ends then. */
export const setRenewalUpdate = defineUpdate<SubscriptionState, [RenewalRequest]>('setRenewal');

/** The customer asks another partner (of the same cloud) to become the partner of record: it is asked, and must accept. */
export const requestPartnerOfRecordChangeUpdate = defineUpdate<SubscriptionState, [PartnerOfRecordChangeRequest]>('requestPartnerOfRecordChange');

/** The asked partner accepts (it becomes the partner of record) or declines (nothing changes) a pending change. */
export const answerPartnerOfRecordChangeUpdate = defineUpdate<SubscriptionState, [PartnerOfRecordAnswer]>('answerPartnerOfRecordChange');

/** The customer removes the partner of record (a pending change is withdrawn with it). */
export const removePartnerOfRecordUpdate = defineUpdate<SubscriptionState, [PartnerOfRecordRemoval]>('removePartnerOfRecord');
