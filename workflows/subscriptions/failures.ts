/** ApplicationFailure types of license-change refusals; the API maps each to a problem. */
export const SubscriptionFailure = {
  OutOfBounds: 'LicenseCountOutOfBounds',
  DecreaseOutsideWindow: 'LicenseDecreaseOutsideWindow',
  BelowAssigned: 'LicenseCountBelowAssigned',
  Unchanged: 'LicenseCountUnchanged',
  Cancelled: 'SubscriptionCancelled',
} as const;
