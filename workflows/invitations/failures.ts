/** ApplicationFailure types the invitation workflow refuses with; the API maps each to a problem. */
export const InvitationFailure = {
  NotActive: 'InvitationNotActive',
  PartnerNotAuthorised: 'PartnerNotAuthorised',
} as const;
