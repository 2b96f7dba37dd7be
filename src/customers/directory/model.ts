export const CUSTOMER_STATUSES = ['trial', 'active', 'suspended', 'removed'] as const;
export type CustomerStatus = (typeof CUSTOMER_STATUSES)[number];

/** A partner's view of one of its customers: what lists and search show. */
export interface PartnerCustomer {
  /** `<partnerId>|<seq in base 36>`: records are read by position */
  _id: string;
  partnerId: string;
  customerId: string;
  /** Order of arrival at this partner; lists run newest (highest) first. */
  seq: number;
  name: string;
  domain: string;
  cloud: string;
  status: CustomerStatus;
  /** Where the customer stands in its onboarding (set by the workflows). */
  stage: string;
  skus: string[];
  createdAt: Date;
  updatedAt: Date;
}

/** The directory's own documents: a key and one encoded string value. */
export interface IndexDoc {
  _id: string;
  v: string;
  /** Posting pages: the count their term's directory holds for them (see directoryCountStale). */
  d?: number;
}
