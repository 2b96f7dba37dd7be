import { ApplicationFailure } from '@temporalio/common';

/** ApplicationFailure types of delegated-admin refusals; the API maps each to a problem. */
export const DelegatedAdminFailure = {
  NotPending: 'RelationshipNotPending',
  NotActive: 'RelationshipNotActive',
  /** The customer agreed to delegated administration that the invitation or offer does not ask for. */
  NotOffered: 'DelegatedAdminNotOffered',
  /** A partner user acts in the customer while the relationship does not grant it (pending, ending or ended). */
  NotGranting: 'DelegatedAdminNotGranting',
  /** The partner user's role in the customer (its own, capped by the relationship's) does not cover the action. */
  RoleTooLow: 'DelegatedAdminRoleTooLow',
  /** The partner is no longer certified: a pending request can no longer be accepted. */
  PartnerNotCertified: 'DelegatedAdminPartnerNotCertified',
} as const;

export const delegatedAdminNotOffered = () =>
  ApplicationFailure.nonRetryable('this does not ask for delegated administration: leave acceptDelegatedAdmin out', DelegatedAdminFailure.NotOffered);
