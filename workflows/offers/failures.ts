/** ApplicationFailure types of offer refusals; the API maps each to a problem. */
export const OfferFailure = {
  NotOpen: 'OfferNotOpen',
  OutOfBounds: 'OfferLicenseCountOutOfBounds',
  UnknownSku: 'OfferUnknownSku',
  NotOnboarding: 'CustomerNotOnboarding',
} as const;
