import { CustomerId, LifecycleStage, OfferId, PartnerId } from '../search-attributes';
import { Stage } from '../stages';
import type { StartOptions } from '../start-options';
import type { DelegatedAdminInput, RelationshipStatus } from './types';

/**
 * A relationship the partner asks for on its own runs under one workflow id per partner and
 * customer: while one runs (pending or active), a second request meets it instead of starting
 * another, however many race. Each relationship is a run of that id.
 */
export const delegatedAdminWorkflowId = (partnerId: string, customerId: string): string => `delegated-admin:${partnerId}:${customerId}`;

/** A relationship asked with a trial or an offer (its onboarding owns the one at a time), or requested before: a workflow of its own. */
export const relationshipWorkflowId = (relationshipId: string): string => `delegated-admin:${relationshipId}`;

export const relationshipStage: Record<RelationshipStatus, Stage> = {
  'approval-pending': Stage.DelegatedAdminApprovalPending,
  active: Stage.DelegatedAdminActive,
  expiring: Stage.DelegatedAdminExpiring,
  expired: Stage.DelegatedAdminExpired,
  terminated: Stage.DelegatedAdminTerminated,
  declined: Stage.DelegatedAdminDeclined,
  lapsed: Stage.DelegatedAdminLapsed,
};

/** A relationship, started by the API (asked on its own) or by the onboarding (asked with a trial or an offer). */
export function delegatedAdminStart(
  input: DelegatedAdminInput,
  workflowId = relationshipWorkflowId(input.relationshipId),
  offerId?: string,
): StartOptions<[DelegatedAdminInput]> {
  return {
    workflowId,
    args: [input],
    typedSearchAttributes: [
      { key: PartnerId, value: input.partnerId },
      { key: CustomerId, value: input.customerId },
      { key: LifecycleStage, value: relationshipStage[input.acceptedAtStart ? 'active' : 'approval-pending'] },
      ...(offerId ? [{ key: OfferId, value: offerId }] : []),
    ],
  };
}
