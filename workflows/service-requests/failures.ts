/** ApplicationFailure types of service-request refusals; the API maps each to a problem. */
export const ServiceRequestFailure = {
  /** Closed is final: no note, no status change. */
  Closed: 'ServiceRequestClosed',
  /** The request has this status already. */
  StatusUnchanged: 'ServiceRequestStatusUnchanged',
  /** An empty note, an unknown status or author (`field` names it). */
  InvalidInput: 'ServiceRequestInvalidInput',
  /** No such request for this partner and customer. */
  NotFound: 'ServiceRequestNotFound',
} as const;

export const SERVICE_REQUEST_FAILURE_TYPES: readonly string[] = Object.values(ServiceRequestFailure);
