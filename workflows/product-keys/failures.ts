/** ApplicationFailure types of product-key refusals; the API maps each to a problem. */
export const ProductKeyFailure = {
  /** Not a key this partner registered. */
  Unknown: 'ProductKeyUnknown',
  /** Redeemed already (or being redeemed) by another redemption. */
  Redeemed: 'ProductKeyRedeemed',
} as const;
