/** A catalog service's license bounds, as an offer or a subscription carries them. */
export interface LicenseBounds {
  sku: string;
  minLicenses: number;
  maxLicenses: number;
}

/**
 * Why `licenses` is outside the catalog's bounds for the service, or undefined
 * when it is inside: the one rule (and message) the API and the workflows apply.
 */
export function licenseCountOutOfBounds(bounds: LicenseBounds, licenses: number): string | undefined {
  if (Number.isInteger(licenses) && licenses >= bounds.minLicenses && licenses <= bounds.maxLicenses) return undefined;
  return `${bounds.sku} takes ${bounds.minLicenses} to ${bounds.maxLicenses} licenses; asked for ${licenses}`;
}
