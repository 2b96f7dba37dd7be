import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

/**
 * Custom search attributes operators filter by in the Temporal UI. `npm start`,
 * the test servers and docker-compose register exactly these (all Keyword).
 */
export const PartnerId = defineSearchAttributeKey('PartnerId', SearchAttributeType.KEYWORD);
export const CustomerId = defineSearchAttributeKey('CustomerId', SearchAttributeType.KEYWORD);
export const OfferId = defineSearchAttributeKey('OfferId', SearchAttributeType.KEYWORD);
export const LifecycleStage = defineSearchAttributeKey('LifecycleStage', SearchAttributeType.KEYWORD);

export const SEARCH_ATTRIBUTES = [PartnerId, CustomerId, OfferId, LifecycleStage] as const;
