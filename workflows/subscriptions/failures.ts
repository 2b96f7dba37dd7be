/** ApplicationFailure types of license-change refusals; the API maps each to a problem. */
export const SubscriptionFailure = {
  OutOfBounds: 'LicenseCountOutOfBounds',
  DecreaseOutsideWindow: 'LicenseDecreaseOutsideWindow',
  BelowAssigned: 'LicenseCountBelowAssigned',
  Unchanged: 'LicenseCountUnchanged',
  Cancelled: 'SubscriptionCancelled',
  PartnerOfRecordUnchanged: 'PartnerOfRecordUnchanged',
  PartnerOfRecordChangePending: 'PartnerOfRecordChangePending',
  PartnerOfRecordRequestNotPending: 'PartnerOfRecordRequestNotPending',
  /** A run from before partners of record were kept: it continues as new; ask again. */
  Upgrading: 'SubscriptionUpgrading',
} as const;
