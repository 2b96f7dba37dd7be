export const CUSTOMER_STATUSES = ['trial', 'active', 'suspended', 'removed'] as const;
export type CustomerStatus = (typeof CUSTOMER_STATUSES)[number];

/** Where delegated administration stands between the partner and the customer, as the directory lists it. */
export const DELEGATED_ADMIN_STATES = ['none', 'pending', 'active', 'expiring'] as const;
export type DelegatedAdminState = (typeof DELEGATED_ADMIN_STATES)[number];

export const REQUEST_SEVERITIES = ['critical', 'moderate', 'minimal'] as const;
export type RequestSeverity = (typeof REQUEST_SEVERITIES)[number];

/** The orders a customer list can be read in. */
export const CUSTOMER_SORTS = ['newest', 'name', 'lastActivity'] as const;
export type CustomerSort = (typeof CUSTOMER_SORTS)[number];

/** A fact another workflow published (delegated administration), with when it held (ISO). */
export interface DelegatedAdminFact {
  state: DelegatedAdminState;
  endsAt?: string;
  at: string;
}

/** Open service requests by severity, with when the counts held (ISO). */
export interface OpenRequestsFact {
  critical: number;
  moderate: number;
  minimal: number;
  at: string;
}

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
  /** Published by the delegated-admin workflows (absent: none yet). */
  delegatedAdmin?: DelegatedAdminFact;
  /** Published by the service-request workflows (absent: none open). */
  openRequests?: OpenRequestsFact;
  createdAt: Date;
  /** When the last full entry (from the onboarding) held. */
  updatedAt: Date;
  /** The latest moment of any change published for the customer (entries and facts). */
  lastActivityAt: Date;
}

/** The directory's own documents: a key and one encoded string value. */
export interface IndexDoc {
  _id: string;
  v: string;
  /** Posting pages: the count their term's directory holds for them (see directoryCountStale). */
  d?: number;
}
