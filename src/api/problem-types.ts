/**
 * Every problem type the API answers with: the stable `type` is `/problems/<slug>`,
 * and GET /problems/<slug> serves the description below.
 */
export const PROBLEM_TYPES = {
  validation: {
    status: 400,
    title: 'Invalid request',
    description:
      'A path parameter, query parameter, header or body field is missing, of the wrong type, out of range or unknown. `errors` lists each one with its location and path.',
  },
  'malformed-body': { status: 400, title: 'Malformed body', description: 'The body is not valid JSON.' },
  'unexpected-body': { status: 400, title: 'Unexpected body', description: 'This endpoint takes no request body.' },
  'invalid-cursor': {
    status: 400,
    title: 'Invalid cursor',
    description: 'The `cursor` is not one this API issued for the same query; start again without it.',
  },
  unauthenticated: {
    status: 401,
    title: 'Authentication required',
    description: 'Send `Authorization: Bearer <token>` with a valid, unrevoked token of an active user (or the operator token for /v1/operator).',
  },
  'authorisation-required': {
    status: 403,
    title: 'Partner not authorised',
    description:
      'The partner lacks the authorisation this feature needs (subscription advisor, delegated-admin certified or authorised service provider); the platform operator grants them.',
  },
  'role-required': { status: 403, title: 'Role required', description: "The caller's company role or customer role does not allow this." },
  'role-above-own': {
    status: 403,
    title: 'Role above your own',
    description:
      'Nobody grants a role above their own (only a global admin grants global admin), nor changes, deactivates or issues a token for a user whose roles are above theirs.',
  },
  forbidden: { status: 403, title: 'Forbidden', description: 'The caller may not do this to this object.' },
  'not-found': { status: 404, title: 'Not found', description: 'No such object for this caller (objects of other partners are never visible).' },
  'method-not-allowed': { status: 405, title: 'Method not allowed', description: 'The path exists, but not with this method.' },
  conflict: { status: 409, title: 'Conflict', description: 'The object already exists or changed meanwhile.' },
  'email-taken': { status: 409, title: 'E-mail already used', description: 'Another user of this partner has this e-mail (compared case-insensitively).' },
  'last-global-admin': {
    status: 409,
    title: 'Last global admin',
    description: 'A partner keeps at least one active global admin: the last one can be neither demoted nor deactivated.',
  },
  'user-inactive': { status: 409, title: 'User deactivated', description: 'The user is deactivated.' },
  'idempotency-key-in-use': {
    status: 409,
    title: 'Request in progress',
    description: 'A request with this Idempotency-Key is still being processed; retry shortly.',
  },
  'secret-withdrawn': {
    status: 410,
    title: 'Secret no longer shown',
    description:
      'A retry of a request that succeeded, whose answer carried a secret that no longer works: a token revoked or expired since (or its user deactivated), or a one-time password changed or reset since. A secret that no longer works is never shown again: issue a new token, or reset the password again.',
  },
  'idempotency-key-reused': {
    status: 422,
    title: 'Idempotency-Key reused',
    description: 'This Idempotency-Key was used for a different request (another method, path or body).',
  },
  'invitation-not-active': { status: 409, title: 'Invitation not active', description: 'The invitation was revoked or has expired.' },
  'license-count-out-of-bounds': {
    status: 422,
    title: 'License count out of bounds',
    description: "The license count is outside the catalog's minimum and maximum for the service.",
  },
  'customer-exists': {
    status: 409,
    title: 'Customer exists',
    description: 'A customer tenant with this domain exists already: accept as that customer (its customer token).',
  },
  'cloud-mismatch': { status: 409, title: 'Other cloud', description: "The customer belongs to another cloud than the partner's; nothing crosses clouds." },
  'partner-not-authorised': {
    status: 409,
    title: 'Partner no longer authorised',
    description: 'The partner lost the authorisation this link needs since it sent it.',
  },
  'offer-not-open': {
    status: 409,
    title: 'Offer not open',
    description: 'The offer was accepted, declined, superseded by a newer one, revoked, or has expired (`offerStatus` says which).',
  },
  'invitation-already-accepted': {
    status: 409,
    title: 'Invitation already accepted',
    description: 'This customer accepted the invitation already; its trial is cancelled from its subscriptions instead.',
  },
  'trial-not-cancellable': {
    status: 409,
    title: 'Not a running trial',
    description: 'Only a trial (running or suspended) can be cancelled: a bought subscription changes through its license count.',
  },
  'product-key-redeemed': {
    status: 409,
    title: 'Product key redeemed',
    description: 'The key was redeemed already (a key is redeemed once; `redeemedAt` says when), or another redemption of it is under way.',
  },
  'customer-not-onboarding': {
    status: 409,
    title: 'Customer not onboarding',
    description: 'The customer has no running onboarding with this partner (its trial was removed): it cannot buy through it.',
  },
  'license-decrease-not-allowed': {
    status: 409,
    title: 'Decrease not allowed now',
    description: 'Licenses can go down only inside the cancellation window after purchase or renewal.',
  },
  'license-count-below-assigned': {
    status: 409,
    title: 'Below assigned licenses',
    description: 'The new count is below the licenses assigned to users: unassign some first.',
  },
  'license-count-unchanged': { status: 409, title: 'Nothing to change', description: 'The subscription has this many licenses already.' },
  'subscription-not-active': { status: 409, title: 'Subscription not active', description: 'The subscription is cancelled.' },
  'delegated-admin-role-insufficient': {
    status: 403,
    title: 'Customer role too low',
    description:
      "Under delegated administration a partner user acts with its own customer role, at most the relationship's: limited (password admin) resets passwords of users who are not admins and reads; full does everything a customer global admin does.",
  },
  'licenses-exhausted': {
    status: 409,
    title: 'No license free',
    description: "Every license of this SKU in the customer's subscriptions is assigned: add licenses or unassign one first.",
  },
  'sku-not-subscribed': {
    status: 409,
    title: 'No subscription of this SKU',
    description: 'The customer has no trial or active subscription of this SKU, so it has no license of it to assign.',
  },
  'password-change-required': {
    status: 403,
    title: 'Password change required',
    description: 'The password is a one-time one: change it (POST /v1/customer-users/password) before signing in.',
  },
  'invalid-credentials': { status: 401, title: 'Wrong e-mail or password', description: 'No user of this customer has this e-mail and password.' },
  'delegated-admin-required': {
    status: 403,
    title: 'Delegated administration required',
    description: 'Acting in a customer needs an active delegated-admin relationship with it.',
  },
  'delegated-admin-already-requested': {
    status: 409,
    title: 'Delegated administration already requested',
    description:
      'The partner already has a pending or active delegated-admin relationship with this customer (`relationshipId`, `relationshipStatus`): one at a time. Ask again once it has ended.',
  },
  'delegated-admin-not-offered': {
    status: 422,
    title: 'Delegated administration not offered',
    description: '`acceptDelegatedAdmin` is true, but this invitation or offer does not ask for delegated administration: nothing was accepted.',
  },
  'partner-not-found': {
    status: 422,
    title: 'No such partner',
    description: 'No partner has this id (`partnerId`): a customer can ask only an existing partner of its own cloud to become its partner of record.',
  },
  'partner-not-subscription-advisor': {
    status: 422,
    title: 'Partner not a subscription advisor',
    description: 'Only a partner authorised as a subscription advisor may be a partner of record.',
  },
  'partner-of-record-unchanged': {
    status: 409,
    title: 'Partner of record unchanged',
    description: 'The partner asked is the partner of record of this subscription already: nothing was asked.',
  },
  'partner-of-record-change-pending': {
    status: 409,
    title: 'Partner-of-record change pending',
    description:
      'A change of this subscription’s partner of record already waits for the asked partner’s answer (`requestId`): one at a time. Ask again once it is answered or has lapsed (or remove the partner of record, which withdraws it).',
  },
  'partner-of-record-request-not-pending': {
    status: 409,
    title: 'Partner-of-record request not pending',
    description: 'The change of the partner of record was already accepted, declined, withdrawn or has lapsed (`status`): it takes no more answers.',
  },
  'relationship-not-pending': { status: 409, title: 'Not pending approval', description: 'The relationship was already accepted, declined or ended.' },
  'relationship-ended': { status: 409, title: 'Relationship ended', description: 'The relationship has expired, lapsed, been declined or terminated.' },
  'service-request-closed': {
    status: 409,
    title: 'Service request closed',
    description: 'The service request is closed, and closed is final: it takes no more notes or status changes. Open a new one.',
  },
  'service-request-status-unchanged': {
    status: 409,
    title: 'Status unchanged',
    description: 'The service request has this status already (`serviceRequestStatus`): nothing was changed.',
  },
  'sku-not-available': {
    status: 422,
    title: 'Service not available',
    description: "The SKU is not in the catalog of the partner's cloud, or offers no trial.",
  },
  'webhook-url-not-allowed': {
    status: 422,
    title: 'Webhook URL not allowed',
    description:
      'A webhook URL is http or https, carries no credentials and no fragment, and (unless this deployment allows private URLs) names no loopback, private or link-local address.',
  },
  'webhook-endpoint-disabled': {
    status: 409,
    title: 'Webhook endpoint disabled',
    description: 'The endpoint is disabled (by a user, or after a run of failed deliveries: `disabledReason`); enable it before replaying events to it.',
  },
  'body-too-large': { status: 413, title: 'Body too large', description: 'The request body exceeds the size limit.' },
  'unsupported-media-type': { status: 415, title: 'Unsupported media type', description: 'Bodies are sent as application/json.' },
  'rate-limited': { status: 429, title: 'Too many requests', description: 'The caller sent more requests than allowed; wait for the seconds in Retry-After.' },
  internal: { status: 500, title: 'Internal error', description: 'An unexpected error; it was logged with the request id.' },
  busy: {
    status: 503,
    title: 'Busy',
    description:
      'Temporal is working through many requests on the same object (for example many customers accepting one invitation at once); retry after the seconds in Retry-After.',
  },
  'dependency-unavailable': {
    status: 503,
    title: 'Service unavailable',
    description: 'MongoDB or Temporal is unavailable; retry after the Retry-After seconds (with the same Idempotency-Key, for a change). /healthz says which.',
  },
  'change-in-progress': {
    status: 503,
    title: 'Change in progress',
    description:
      'The change was handed to its workflow, which has not confirmed it within the wait the API allows (a worker restarting, MongoDB slow). It goes on; retry after the Retry-After seconds with the same Idempotency-Key to get its result.',
  },
} as const satisfies Record<string, { status: number; title: string; description: string }>;

export type ProblemSlug = keyof typeof PROBLEM_TYPES;
