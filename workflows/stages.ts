/** Values of the LifecycleStage search attribute, one per stage an operator may filter by. */
export const Stage = {
  InvitationActive: 'invitation-active',
  InvitationRevoked: 'invitation-revoked',
  InvitationExpired: 'invitation-expired',
} as const;

export type Stage = (typeof Stage)[keyof typeof Stage];
