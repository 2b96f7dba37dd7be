import { CustomerId, LifecycleStage, PartnerId } from '../search-attributes';
import { Stage } from '../stages';
import type { StartOptions } from '../start-options';
import type { DelegatedAdminInput, RelationshipStatus } from './types';

/** One workflow per delegated-admin relationship. */
export const delegatedAdminWorkflowId = (relationshipId: string): string => `delegated-admin:${relationshipId}`;

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
export function delegatedAdminStart(input: DelegatedAdminInput): StartOptions<[DelegatedAdminInput]> {
  return {
    workflowId: delegatedAdminWorkflowId(input.relationshipId),
    args: [input],
    typedSearchAttributes: [
      { key: PartnerId, value: input.partnerId },
      { key: CustomerId, value: input.customerId },
      { key: LifecycleStage, value: relationshipStage[input.acceptedAtStart ? 'active' : 'approval-pending'] },
    ],
  };
}
