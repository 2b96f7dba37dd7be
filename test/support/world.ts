import { createEventActivities } from '../../activities/events/activities';
import { randomBytes } from 'node:crypto';
import { fakeProductKey } from '../../bench/fake-customers';
import { COMPANY_ROLES, CUSTOMER_ROLES } from '../../src/users/model';
import type { AnyRoute } from '../../src/api/route';
import { linkCode as codeOf, expectStatus, newCustomer } from './flows';
import { addUser, bearer, createPartner, partnerBody, type TestPartner } from './partners';
import { eventually, OPERATOR_TOKEN as OPERATOR } from './stack';
import type { TestStack } from './stack';

export interface Member {
  id: string;
  token: string;
  companyRole: string;
  customerRole: string;
}

/**
 * Partners and objects for route-by-route tests: partner A (global, every
 * authorisation) with one user per role combination and an object of each kind;
 * D, a foreign partner like A; B, a partner without authorisations; C, a partner
 * of the sovereign cloud.
 */
export interface World {
  a: TestPartner;
  members: Member[];
  victim: { id: string; token: string; tokenId: string };
  invitationId: string;
  customerId: string;
  /** A customer of A (it accepted A's invitation) and its token. */
  customer: { id: string; token: string };
  /** The code of an active invitation of A, for the link routes. */
  linkCode: string;
  /** An offer of A to that customer (accepted), and the subscription it bought. */
  offerId: string;
  offerCode: string;
  subscriptionId: string;
  /** A delegated-admin request of A to that customer. */
  relationshipId: string;
  /** A user of that customer. */
  customerUserId: string;
  /** A service request that customer opened with A. */
  serviceRequestId: string;
  /** A registration of product keys of A. */
  registrationId: string;
  /** The key that registration registered (unused until the matrix redeems it). */
  productKey: string;
  /** The customer asks A to become the partner of record of its subscription again (it removed A first): pending. */
  partnerOfRecordRequestId: string;
  /** A webhook endpoint of A (for an event type the world never publishes), and an event of A. */
  webhookEndpointId: string;
  eventId: string;
  d: TestPartner;
  b: TestPartner;
  c: TestPartner;
}

export async function buildWorld(stack: TestStack): Promise<World> {
  const [a, d, b, c] = await Promise.all([
    createPartner(stack),
    createPartner(stack),
    createPartner(stack, { authorisations: [] }),
    createPartner(stack, { cloud: 'sovereign' }),
  ]);
  const members: Member[] = [];
  for (const companyRole of COMPANY_ROLES) {
    for (const customerRole of CUSTOMER_ROLES) {
      const u = await addUser(stack, a, { companyRole, customerRole });
      members.push({ ...u, companyRole, customerRole });
    }
  }
  const victim = await addUser(stack, a, { customerRole: 'limited' });
  const tokens = await stack.http('GET', `/v1/users/${victim.id}/tokens`, undefined, bearer(a.admin.token));
  const invitation = await stack.http('POST', '/v1/invitations', { sku: 'BUS-STD' }, bearer(a.admin.token));
  const customerId = `cus_${randomBytes(6).toString('hex')}`;
  await stack.directory.apply(a.id, [
    {
      partnerId: a.id,
      customerId,
      name: 'Fabrikam Solar Ltd',
      domain: 'fabrikamsolar.example',
      cloud: 'global',
      status: 'active',
      stage: 'onboarded',
      skus: ['BUS-STD'],
      at: new Date(),
    },
  ]);
  const link = await stack.http('POST', '/v1/invitations', { sku: 'BUS-STD' }, bearer(a.admin.token));
  const linkCode = codeOf(link.body.url);
  const accepted = await stack.http('POST', `/v1/links/${linkCode}/accept`, { customer: newCustomer() });
  if (accepted.status !== 201) throw new Error(`accepting failed: ${accepted.text}`);
  // let its onboarding write its first stage, so later counts of documents hold still
  await eventually(
    async () =>
      (await stack.models.OutboxMessage.countDocuments({ customerId: accepted.body.customer.id })) > 0 &&
      (await stack.models.TimelineEvent.countDocuments({ customerId: accepted.body.customer.id })) > 0,
    20_000,
    'the onboarding to start',
  );
  const offer = await stack.http(
    'POST',
    '/v1/offers',
    { customerIds: [accepted.body.customer.id], items: [{ sku: 'BUS-STD', licenses: 10 }] },
    bearer(a.admin.token),
  );
  if (offer.status !== 201) throw new Error(`offering failed: ${offer.text}`);
  const bought = await stack.http('POST', `/v1/links/${codeOf(offer.body.url)}/accept`, {}, bearer(accepted.body.token));
  if (bought.status !== 201) throw new Error(`buying failed: ${bought.text}`);
  const subscriptionId: string = bought.body.subscriptions[0].subscriptionId;
  await eventually(
    async () =>
      (await stack.models.Subscription.findById(subscriptionId).lean())?.status === 'active' &&
      (await stack.models.TimelineEvent.countDocuments({ stage: 'onboarded', customerId: accepted.body.customer.id })) > 0,
    20_000,
    'the purchase to settle',
  );
  const relationship = await stack.http('POST', `/v1/customers/${accepted.body.customer.id}/delegated-admin`, {}, bearer(a.admin.token));
  if (relationship.status !== 201) throw new Error(`asking for delegated administration failed: ${relationship.text}`);
  await eventually(
    async () =>
      (await stack.models.TimelineEvent.countDocuments({ stage: 'delegated-admin-approval-pending', customerId: accepted.body.customer.id })) > 0 &&
      (await stack.models.OutboxMessage.countDocuments({ kind: 'delegated-admin-requested', customerId: accepted.body.customer.id })) === 2,
    20_000,
    'the request to settle',
  );
  const customerUser = await stack.http(
    'POST',
    '/v1/customer/users',
    { email: `world-${randomBytes(4).toString('hex')}@tenant.example`, displayName: 'World User' },
    bearer(accepted.body.token),
  );
  if (customerUser.status !== 201) throw new Error(`adding a customer user failed: ${customerUser.text}`);
  const serviceRequest = await stack.http(
    'POST',
    '/v1/customer/service-requests',
    { partnerId: a.id, title: 'Mail does not arrive', description: 'Since Monday.', severity: 'moderate' },
    bearer(accepted.body.token),
  );
  if (serviceRequest.status !== 201) throw new Error(`opening a service request failed: ${serviceRequest.text}`);
  await eventually(
    async () => (await stack.models.OutboxMessage.countDocuments({ kind: 'service-request-opened', customerId: accepted.body.customer.id })) === 1,
    20_000,
    'the service request to settle',
  );
  const removed = await stack.http('DELETE', `/v1/customer/subscriptions/${subscriptionId}/partner-of-record`, undefined, bearer(accepted.body.token));
  expectStatus(removed, 200, 'removing the partner of record');
  const asked = await stack.http(
    'POST',
    `/v1/customer/subscriptions/${subscriptionId}/partner-of-record/change-requests`,
    { partnerId: a.id },
    bearer(accepted.body.token),
  );
  expectStatus(asked, 201, 'asking A to be the partner of record');
  const productKey = fakeProductKey();
  const registration = await stack.http('POST', '/v1/product-keys/registrations', { sku: 'BUS-STD', keys: [productKey] }, bearer(a.admin.token));
  expectStatus(registration, 202, 'registering a product key');
  // its job done (its key and audit entry written) before anyone counts what the world holds
  await stack.client.workflow.getHandle(`product-key-registration:${registration.body.id}`).result();
  const endpoint = await stack.http(
    'POST',
    '/v1/webhook-endpoints',
    { url: 'http://127.0.0.1:9/hooks', eventTypes: ['trial.ending-soon'] },
    bearer(a.admin.token),
  );
  expectStatus(endpoint, 201, 'registering a webhook endpoint');
  const eventId = await createEventActivities({ models: stack.models, temporal: stack.client, taskQueue: stack.taskQueue }).publishEvent({
    type: 'offer.accepted',
    partnerId: a.id,
    customerId,
    subject: { kind: 'offer', id: offer.body.id },
    data: {},
    key: `world|${offer.body.id}|offer.accepted`,
    at: new Date().toISOString(),
  });
  return {
    a,
    members,
    webhookEndpointId: endpoint.body.id,
    eventId,
    registrationId: registration.body.id,
    productKey,
    partnerOfRecordRequestId: asked.body.id,
    customerUserId: customerUser.body.id,
    relationshipId: relationship.body.id,
    serviceRequestId: serviceRequest.body.id,
    offerId: offer.body.id,
    offerCode: codeOf(offer.body.url),
    subscriptionId,
    victim: { ...victim, tokenId: tokens.body[0].id },
    invitationId: invitation.body.id,
    customerId,
    customer: { id: accepted.body.customer.id, token: accepted.body.token },
    linkCode,
    d,
    b,
    c,
  };
}

/** A request that the route would accept from an allowed caller, aimed at A's objects. */
export function requestFor(route: AnyRoute, w: World): { method: string; path: string; query: string; body?: unknown } {
  const values: Record<string, string | undefined> = {
    partnerId: w.a.id,
    authorisation: 'authorised-service-provider',
    userId: w.victim.id,
    tokenId: w.victim.tokenId,
    sku: 'BUS-STD',
    customerId: w.customerId,
    invitationId: w.invitationId,
    code: route.operationId === 'declineLink' ? w.offerCode : w.linkCode,
    offerId: w.offerId,
    subscriptionId: w.subscriptionId,
    relationshipId: w.relationshipId,
    serviceRequestId: w.serviceRequestId,
    registrationId: w.registrationId,
    key: w.productKey,
    requestId: w.partnerOfRecordRequestId,
    endpointId: w.webhookEndpointId,
    eventId: w.eventId,
  };
  // routes that act in a customer the partner really onboarded
  if (
    [
      'requestDelegatedAdmin',
      'listDelegatedAdmin',
      'listCustomerSubscriptionsAsPartner',
      'changeLicensesAsPartner',
      'setRenewalAsPartner',
      'listCustomerServiceRequests',
      'openServiceRequest',
    ].includes(route.operationId) ||
    route.path.startsWith('/v1/customers/{customerId}/users')
  )
    values.customerId = w.customer.id;
  if (route.path.includes('/users/{userId}') && (route.path.startsWith('/v1/customer/') || route.path.startsWith('/v1/customers/')))
    values.userId = w.customerUserId;
  // the matrix grants, then withdraws, an authorisation: of B, which holds none before and after
  if (route.path.includes('/authorisations/')) values.partnerId = w.b.id;
  const path = route.path.replace(/\{(\w+)\}/g, (_m, name: string) => encodeURIComponent(values[name]!));
  const u = randomBytes(4).toString('hex');
  const bodies: Record<string, unknown> = {
    createPartner: partnerBody(),
    updateProfile: { phone: '+1 425 555 0142' },
    createUser: { email: `matrix-${u}@contoso.example`, displayName: 'Matrix' },
    updateUser: { displayName: `Renamed ${u}` },
    issueToken: {},
    createInvitation: { sku: 'BUS-STD' },
    inviteRecipients: { recipients: [`invitee-${u}@fabrikam.example`] },
    acceptLink: { customer: newCustomer() },
    createOffer: { customerIds: [w.customer.id], items: [{ sku: 'BUS-STD', licenses: 2 }] },
    changeLicenses: { licenses: 11 },
    createCustomerUser: { email: `user-${u}@tenant.example`, displayName: 'Tenant User' },
    createCustomerUserAsPartner: { email: `partner-made-${u}@tenant.example`, displayName: 'Partner Made' },
    updateCustomerUser: { displayName: `Renamed ${u}` },
    updateCustomerUserAsPartner: { displayName: `Renamed ${u}` },
    signInCustomerUser: { customerId: w.customer.id, email: `nobody-${u}@tenant.example`, password: 'not this one' },
    changeCustomerUserPassword: {
      customerId: w.customer.id,
      email: `nobody-${u}@tenant.example`,
      password: 'not this one',
      newPassword: 'a new passphrase here',
    },
    requestDelegatedAdmin: {},
    changeLicensesAsPartner: { licenses: 12 },
    // (renewing already: answered without a change)
    setRenewal: { autoRenew: true },
    setRenewalAsPartner: { autoRenew: true },
    openOwnServiceRequest: { partnerId: w.a.id, title: 'Printer offline', description: 'The printer on floor 2.', severity: 'minimal' },
    addOwnServiceRequestNote: { text: `Still offline ${u}` },
    setOwnServiceRequestStatus: { status: 'attention-needed' },
    openServiceRequest: { title: 'Licences to review', description: 'Before renewal.', severity: 'minimal' },
    addServiceRequestNote: { text: `Looking at it ${u}` },
    setServiceRequestStatus: { status: 'attention-needed' },
    registerProductKeys: { sku: 'BUS-STD', keys: [fakeProductKey()] },
    redeemProductKey: { customer: newCustomer() },
    // (A is asked already: refused as pending, or, once A accepted, D is asked)
    requestPartnerOfRecordChange: { partnerId: w.d.id },
    createWebhookEndpoint: { url: 'http://127.0.0.1:9/hooks', eventTypes: ['trial.ending-soon'] },
    updateWebhookEndpoint: { description: `Renamed ${u}` },
    replayWebhookEvent: { eventId: w.eventId },
  };
  const queries: Record<string, string> = { previewLicenseChange: 'licenses=12' };
  return { method: route.method.toUpperCase(), path, query: queries[route.operationId] ?? '', body: bodies[route.operationId] };
}

/** The headers a caller allowed on `route` sends. */
export function allowedHeaders(route: AnyRoute, w: World): Record<string, string> {
  switch (route.auth) {
    case 'operator':
      return bearer(OPERATOR);
    case 'customer':
      return bearer(w.customer.token);
    case 'partner':
      return bearer(w.a.admin.token);
    default:
      return {};
  }
}
