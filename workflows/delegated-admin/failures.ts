/** ApplicationFailure types of delegated-admin refusals; the API maps each to a problem. */
export const DelegatedAdminFailure = {
  NotPending: 'RelationshipNotPending',
  NotActive: 'RelationshipNotActive',
} as const;
