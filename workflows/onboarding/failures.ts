/** ApplicationFailure types of onboarding refusals; the API maps each to a problem. */
export const OnboardingFailure = {
  CustomerExists: 'CustomerExists',
  CustomerNotFound: 'CustomerNotFound',
  CloudMismatch: 'CloudMismatch',
  Ended: 'OnboardingEnded',
  AlreadyPurchased: 'TrialAlreadyPurchased',
} as const;
