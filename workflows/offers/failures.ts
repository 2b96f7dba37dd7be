/** ApplicationFailure types of offer refusals; the API maps each to a problem. */
export const OfferFailure = {
  NotOpen: 'OfferNotOpen',
  OutOfBounds: 'OfferLicenseCountOutOfBounds',
  UnknownSku: 'OfferUnknownSku',
  NotOnboarding: 'CustomerNotOnboarding',
  /** The partner lost the subscription-advisor authorisation since it sent the offer. */
  PartnerNotAuthorised: 'OfferPartnerNotAuthorised',
} as const;
