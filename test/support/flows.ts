import { randomBytes } from 'node:crypto';
import { bearer, type ApiCaller, type TestPartner } from './partners';
import type { HttpResult } from './stack';

/** The common flows tests go through, each through the API as a caller would. */

/** The code in a link offerflow handed out (`…/i/<code>`, `…/o/<code>`). */
export const linkCode = (url: string): string => new URL(url).pathname.split('/').pop()!;

/** A new customer tenant as a customer describes it when accepting (unique name and domain). */
export function newCustomer(name = `Tailspin ${randomBytes(4).toString('hex')}`) {
  const u = randomBytes(4).toString('hex');
  return { name, domain: `${name.toLowerCase().replace(/[^a-z0-9]+/g, '')}${u}.example`, contact: { name: 'Tom', email: `tom-${u}@tailspin.example` } };
}

export function expectStatus(res: HttpResult, status: number, what: string): void {
  if (res.status !== status) throw new Error(`${what}: expected ${status}, got ${res.status} ${res.text}`);
}

export interface TestInvitation {
  id: string;
  code: string;
  workflowId: string;
  body: any;
}

/** A trial invitation of `partner` (201), with the code of its link. */
export async function invite(stack: ApiCaller, partner: TestPartner, body: Record<string, unknown> = {}): Promise<TestInvitation> {
  const res = await stack.http('POST', '/v1/invitations', { sku: 'BUS-STD', ...body }, bearer(partner.admin.token));
  expectStatus(res, 201, 'creating an invitation');
  return { id: res.body.id, code: linkCode(res.body.url), workflowId: res.body.workflowId, body: res.body };
}

export interface TestCustomer {
  id: string;
  token: string;
  subscriptionId: string;
  onboardingWorkflowId: string;
  body: any;
}

/** A new customer accepts the invitation behind `code` (201): its tenant, token and trial. */
export async function acceptInvitation(stack: ApiCaller, code: string, body: Record<string, unknown> = {}): Promise<TestCustomer> {
  const res = await stack.http('POST', `/v1/links/${code}/accept`, { customer: newCustomer(), ...body });
  expectStatus(res, 201, 'accepting the invitation');
  return {
    id: res.body.customer.id,
    token: res.body.token,
    subscriptionId: res.body.subscriptionId,
    onboardingWorkflowId: res.body.onboarding.workflowId,
    body: res.body,
  };
}

/** Invite → accept: a customer of `partner` in its trial. */
export async function trialCustomer(
  stack: ApiCaller,
  partner: TestPartner,
  invitation: Record<string, unknown> = {},
  acceptance: Record<string, unknown> = {},
): Promise<TestCustomer & { invitation: TestInvitation }> {
  const invitationMade = await invite(stack, partner, invitation);
  return { ...(await acceptInvitation(stack, invitationMade.code, acceptance)), invitation: invitationMade };
}

export interface TestOffer {
  id: string;
  code: string;
  body: any;
}

/** A purchase offer of `partner` to its customers (201), with the code of its link. */
export async function sendOffer(
  stack: ApiCaller,
  partner: TestPartner,
  customerIds: string[],
  items = [{ sku: 'BUS-STD', licenses: 5 }],
  extra: Record<string, unknown> = {},
): Promise<TestOffer> {
  const res = await stack.http('POST', '/v1/offers', { customerIds, items, ...extra }, bearer(partner.admin.token));
  expectStatus(res, 201, 'sending an offer');
  return { id: res.body.id, code: linkCode(res.body.url), body: res.body };
}

/** The customer (its token) accepts the offer behind `code`, with its own license counts if given; the raw answer. */
export const acceptOffer = (stack: ApiCaller, code: string, token: string, body: Record<string, unknown> = {}): Promise<HttpResult> =>
  stack.http('POST', `/v1/links/${code}/accept`, body, bearer(token));
