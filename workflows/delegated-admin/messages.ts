import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { ActRequest, ActResult } from './acting';
import type { RelationshipState, RelationshipAnswerRequest } from './types';

export const relationshipStateQuery = defineQuery<RelationshipState>('state');

/** Completes once the relationship is stored; used with update-with-start. */
export const relationshipRecordedUpdate = defineUpdate<RelationshipState>('recorded');

/** The customer grants the request (refused unless it is pending). */
export const acceptRelationshipUpdate = defineUpdate<RelationshipState, [RelationshipAnswerRequest]>('accept');

export const declineRelationshipUpdate = defineUpdate<RelationshipState, [RelationshipAnswerRequest]>('decline');

/** The customer ends it, at any time (refused once it has ended). */
export const terminateRelationshipUpdate = defineUpdate<RelationshipState, [RelationshipAnswerRequest]>('terminate');

/** Told to the onboarding once the relationship it waits for is settled (active, or ended without being). */
export const delegatedAdminSettledSignal = defineSignal<[{ relationshipId: string; active: boolean }]>('delegatedAdminSettled');

/** A partner user acts in the customer (refused unless the relationship grants it now, with a role that covers the action). */
export const actInCustomerUpdate = defineUpdate<ActResult, [ActRequest]>('act');
