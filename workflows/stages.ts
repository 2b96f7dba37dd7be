/** Values of the LifecycleStage search attribute, one per stage an operator may filter by. */
export const Stage = {
  InvitationActive: 'invitation-active',
  InvitationRevoked: 'invitation-revoked',
  InvitationExpired: 'invitation-expired',
  TrialActive: 'trial-active',
  TrialExpired: 'trial-expired',
  Suspended: 'suspended',
  Removed: 'removed',
  Purchased: 'purchased',
  AwaitingDelegatedAdmin: 'awaiting-delegated-admin',
  Onboarded: 'onboarded',
  Cancelled: 'cancelled',
} as const;

export type Stage = (typeof Stage)[keyof typeof Stage];
