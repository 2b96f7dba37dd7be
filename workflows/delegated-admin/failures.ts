import { ApplicationFailure } from '@temporalio/common';

/** ApplicationFailure types of delegated-admin refusals; the API maps each to a problem. */
export const DelegatedAdminFailure = {
  NotPending: 'RelationshipNotPending',
  NotActive: 'RelationshipNotActive',
  /** The customer agreed to delegated administration that the invitation or offer does not ask for. */
  NotOffered: 'DelegatedAdminNotOffered',
} as const;

export const delegatedAdminNotOffered = () =>
  ApplicationFailure.nonRetryable('this does not ask for delegated administration: leave acceptDelegatedAdmin out', DelegatedAdminFailure.NotOffered);
