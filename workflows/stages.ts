/**
 * Values of the LifecycleStage search attribute (and of the customer timeline's
 * stages): every one an operator may filter by, named once here.
 */
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
  OfferSent: 'offer-sent',
  KeyRedeemed: 'key-redeemed',
  OfferAccepted: 'offer-accepted',
  OfferDeclined: 'offer-declined',
  OfferSuperseded: 'offer-superseded',
  OfferRevoked: 'offer-revoked',
  OfferExpired: 'offer-expired',
  SubscriptionActive: 'subscription-active',
  LicensesAdjusted: 'licenses-adjusted',
  SubscriptionRenewed: 'subscription-renewed',
  SubscriptionEnded: 'subscription-ended',
  PartnerOfRecordChanged: 'partner-of-record-changed',
  DelegatedAdminApprovalPending: 'delegated-admin-approval-pending',
  DelegatedAdminActive: 'delegated-admin-active',
  DelegatedAdminExpiring: 'delegated-admin-expiring',
  DelegatedAdminExpired: 'delegated-admin-expired',
  DelegatedAdminTerminated: 'delegated-admin-terminated',
  DelegatedAdminDeclined: 'delegated-admin-declined',
  DelegatedAdminLapsed: 'delegated-admin-lapsed',
  ServiceRequestOpen: 'service-request-open',
  ServiceRequestAttentionNeeded: 'service-request-attention-needed',
  ServiceRequestClosed: 'service-request-closed',
} as const;

export type Stage = (typeof Stage)[keyof typeof Stage];
