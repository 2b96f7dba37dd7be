import { acceptInvitation, acceptOffer, invite, sendOffer, trialCustomer } from '../support/flows';
import { addUser, bearer, createPartner, type ApiCaller, type TestPartner } from '../support/partners';

/** Who the fuzzer calls as: one run of schemathesis each, in this order. */
export const TOKEN_KINDS = ['none', 'customer', 'limited-user', 'partner-admin', 'operator'] as const;
export type TokenKind = (typeof TOKEN_KINDS)[number];

export interface Principal {
  /** The bearer token it sends (none: no Authorization header). */
  token?: string;
  /**
   * Real values for path parameters, by parameter name, so that generated requests reach real
   * objects of this principal (schemathesis mixes them with values it generates).
   */
  pathValues: Record<string, string[]>;
  /** A request that must still answer 200 after the run: the fuzzer did not revoke the token it called with. */
  probe?: string;
  /**
   * A throw-away principal of the same kind for SELF_DESTRUCTIVE: those operations are fuzzed
   * apart with it, so that what they may do to the caller itself cannot spoil the main run.
   */
  apart?: Principal;
}

/**
 * What can take a partner user's own token away: revoking a token, deactivating a user, demoting
 * one (an admin can, once the fuzzer made a second global admin). Schemathesis takes ids from
 * responses too (GET /v1/me, GET /v1/users/{userId}/tokens), so it may aim them at the caller.
 */
export const SELF_DESTRUCTIVE = ['revokeToken', 'deactivateUser', 'updateUser'];

const SKUS = ['BUS-BASIC', 'BUS-STD', 'BUS-PREM', 'MAIL-P1'];
/** A user who may send offers but administers nothing. */
const LIMITED = { companyRole: 'none', customerRole: 'limited' };

/**
 * The principals and the objects they reach, made through the API as callers would make them.
 * Each kind gets objects of its own (the partner admin partner A, the limited user partner B,
 * the operator partner O), so that what one run changes or revokes (a user deactivated, an
 * authorisation withdrawn, an invitation revoked) does not decide what the next run can reach.
 * In the main runs no kind is given the id of the token it calls with, nor the admin its own user
 * id; each is followed by a probe that its token still works. The operations that could take it
 * away run apart (SELF_DESTRUCTIVE), with a principal that may lose its token.
 */
export async function buildWorld(api: ApiCaller, operatorToken: string): Promise<Record<TokenKind, Principal>> {
  const partner = () => createPartner(api, {}, operatorToken);
  const [a, b, d, o] = await Promise.all([partner(), partner(), partner(), partner()]);
  const [admin, limited, { customer, partnerOfRecordRequestId }, none, adminApart, limitedApart] = await Promise.all([
    adminOf(api, a),
    limitedUserOf(api, b),
    customerOf(api, a),
    linksOf(api, a),
    usersOf(api, d, d.admin),
    addUser(api, b, LIMITED).then((user) => usersOf(api, b, user)),
  ]);
  // a change of partner of record A is asked to answer
  admin.pathValues.requestId = [partnerOfRecordRequestId];
  return {
    none,
    customer,
    'limited-user': { ...limited, apart: limitedApart },
    'partner-admin': { ...admin, apart: adminApart },
    operator: { token: operatorToken, probe: '/v1/operator/partners', pathValues: { partnerId: [o.id] } },
  };
}

/** Partner A's global admin: a plain user to act on (deactivate, revoke its token), a trial customer, an offer to it. */
async function adminOf(api: ApiCaller, a: TestPartner): Promise<Principal> {
  const victim = await addUser(api, a, LIMITED);
  const victimTokens = await api.http('GET', `/v1/users/${victim.id}/tokens`, undefined, bearer(a.admin.token));
  const customers = await Promise.all([trialCustomer(api, a), trialCustomer(api, a)]);
  const offer = await sendOffer(api, a, [customers[0].id], [{ sku: 'BUS-PREM', licenses: 3 }]);
  const endpoint = await api.http('POST', '/v1/webhook-endpoints', { url: 'http://127.0.0.1:9/hooks' }, bearer(a.admin.token));
  expect201(endpoint.status, 'registering a webhook endpoint', endpoint.text);
  const events = await api.http('GET', '/v1/events', undefined, bearer(a.admin.token));
  return {
    token: a.admin.token,
    probe: '/v1/me',
    pathValues: {
      userId: [victim.id],
      tokenId: [victimTokens.body[0].id],
      customerId: customers.map((c) => c.id),
      subscriptionId: customers.map((c) => c.subscriptionId),
      invitationId: customers.map((c) => c.invitation.id),
      offerId: [offer.id],
      sku: SKUS,
      endpointId: [endpoint.body.id],
      eventId: (events.body.items as Array<{ id: string }>).map((e) => e.id).slice(0, 3),
    },
  };
}

/** Partner B's limited user (company role none, customer role limited). */
async function limitedUserOf(api: ApiCaller, b: TestPartner): Promise<Principal> {
  const user = await addUser(api, b, LIMITED);
  // Its own second token, for the revoking route to aim at: never the one it calls with.
  const spare = await api.http('POST', `/v1/users/${user.id}/tokens`, { label: 'spare' }, bearer(user.token));
  expect201(spare.status, 'issuing a spare token', spare.text);
  const customer = await trialCustomer(api, b);
  const offer = await sendOffer(api, b, [customer.id]);
  return {
    token: user.token,
    probe: '/v1/me',
    pathValues: {
      userId: [user.id],
      tokenId: [spare.body.id],
      customerId: [customer.id],
      subscriptionId: [customer.subscriptionId],
      invitationId: [customer.invitation.id],
      offerId: [offer.id],
      sku: SKUS,
    },
  };
}

/**
 * `caller` of `partner` (its admin, or a limited user) with users and tokens to aim at: its own
 * user, a plain user, a second token of its own and the plain user's token. Not the token it calls
 * with: it would lose it at the first case, and the rest of the run would be 401s.
 */
async function usersOf(api: ApiCaller, partner: TestPartner, caller: { id: string; token: string }): Promise<Principal> {
  const other = await addUser(api, partner, LIMITED);
  const [spare, others] = await Promise.all([
    api.http('POST', `/v1/users/${caller.id}/tokens`, { label: 'spare' }, bearer(caller.token)),
    api.http('GET', `/v1/users/${other.id}/tokens`, undefined, bearer(other.token)),
  ]);
  expect201(spare.status, 'issuing a spare token', spare.text);
  return { token: caller.token, pathValues: { userId: [caller.id, other.id], tokenId: [spare.body.id, others.body[0].id] } };
}

/**
 * A customer of A with a trial, a bought subscription, an open offer, a pending delegated-admin request and a service request;
 * and A asked to become that subscription's partner of record again (the customer removed it first).
 */
async function customerOf(api: ApiCaller, a: TestPartner): Promise<{ customer: Principal; partnerOfRecordRequestId: string }> {
  const me = await trialCustomer(api, a);
  const bought = await sendOffer(api, a, [me.id], [{ sku: 'MAIL-P1', licenses: 5 }]);
  const purchase = await acceptOffer(api, bought.code, me.token);
  expect201(purchase.status, 'buying an offer', purchase.text);
  const open = await sendOffer(api, a, [me.id], [{ sku: 'BUS-PREM', licenses: 2 }]);
  const relationship = await api.http('POST', `/v1/customers/${me.id}/delegated-admin`, {}, bearer(a.admin.token));
  expect201(relationship.status, 'asking for delegated administration', relationship.text);
  const another = await invite(api, a);
  const serviceRequest = await api.http(
    'POST',
    '/v1/customer/service-requests',
    { partnerId: a.id, title: 'Mail does not arrive', description: 'Since Monday.', severity: 'moderate' },
    bearer(me.token),
  );
  expect201(serviceRequest.status, 'opening a service request', serviceRequest.text);
  const boughtId: string = purchase.body.subscriptions[0].subscriptionId;
  const partnerOfRecordRequestId = await partnerOfRecordRequest(api, me.token, boughtId, a.id);
  const customer: Principal = {
    token: me.token,
    probe: '/v1/customer',
    pathValues: {
      subscriptionId: [me.subscriptionId, ...purchase.body.subscriptions.map((s: { subscriptionId: string }) => s.subscriptionId)],
      relationshipId: [relationship.body.id],
      serviceRequestId: [serviceRequest.body.id],
      code: [open.code, another.code, me.invitation.code],
    },
  };
  return { customer, partnerOfRecordRequestId };
}

/** Once the bought subscription is active: its partner of record removed, then `partnerId` asked to become it (pending). */
async function partnerOfRecordRequest(api: ApiCaller, token: string, subscriptionId: string, partnerId: string): Promise<string> {
  for (let i = 0; ; i++) {
    const subs = await api.http('GET', '/v1/customer/subscriptions', undefined, bearer(token));
    if (subs.body.some((s: { id: string; status: string }) => s.id === subscriptionId && s.status === 'active')) break;
    if (i === 100) throw new Error(`subscription ${subscriptionId} never became active`);
    await new Promise((r) => setTimeout(r, 200));
  }
  const removed = await api.http('DELETE', `/v1/customer/subscriptions/${subscriptionId}/partner-of-record`, undefined, bearer(token));
  if (removed.status !== 200) throw new Error(`removing the partner of record: expected 200, got ${removed.status} ${removed.text}`);
  const asked = await api.http('POST', `/v1/customer/subscriptions/${subscriptionId}/partner-of-record/change-requests`, { partnerId }, bearer(token));
  expect201(asked.status, 'asking a partner of record', asked.text);
  return asked.body.id;
}

/** For callers without a token: an invitation anyone may accept (a new customer each time), and an offer (that needs a customer). */
async function linksOf(api: ApiCaller, a: TestPartner): Promise<Principal> {
  const invitation = await invite(api, a);
  const customer = await acceptInvitation(api, invitation.code);
  const offer = await sendOffer(api, a, [customer.id]);
  return { pathValues: { code: [invitation.code, offer.code] } };
}

function expect201(status: number, what: string, text: string): void {
  if (status !== 201) throw new Error(`${what}: expected 201, got ${status} ${text}`);
}
