import { randomBytes } from 'node:crypto';
import { OPERATOR_TOKEN, type TestStack } from './stack';

/** What the helpers here and in flows.ts need of a stack: a way to call its API. */
export type ApiCaller = Pick<TestStack, 'http'>;

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
export const operator = bearer(OPERATOR_TOKEN);

export interface TestPartner {
  id: string;
  cloud: 'global' | 'sovereign';
  admin: { id: string; token: string; email: string };
}

const unique = () => randomBytes(4).toString('hex');

export function partnerBody(overrides: { cloud?: 'global' | 'sovereign'; authorisations?: string[]; name?: string } = {}) {
  const u = unique();
  return {
    cloud: overrides.cloud ?? 'global',
    profile: {
      name: overrides.name ?? `Contoso Partners ${u}`,
      phone: '+1 425 555 0100',
      email: `hello-${u}@contoso-partners.example`,
      website: 'https://contoso-partners.example',
      address: { line1: '1 Main Street', city: 'Redmond', region: 'WA', postalCode: '98052', country: 'US' },
    },
    authorisations: overrides.authorisations ?? ['subscription-advisor', 'delegated-admin-certified', 'authorised-service-provider'],
    admin: { email: `admin-${u}@contoso-partners.example`, displayName: 'First Admin' },
  };
}

/** A partner made through the operator API (a test stack's operator token unless told another), with its first global admin's token. */
export async function createPartner(stack: ApiCaller, overrides: Parameters<typeof partnerBody>[0] = {}, operatorToken = OPERATOR_TOKEN): Promise<TestPartner> {
  const body = partnerBody(overrides);
  const res = await stack.http('POST', '/v1/operator/partners', body, bearer(operatorToken));
  if (res.status !== 201) throw new Error(`creating a partner failed: ${res.status} ${res.text}`);
  return { id: res.body.partner.id, cloud: body.cloud, admin: { id: res.body.admin.user.id, token: res.body.admin.token.token, email: body.admin.email } };
}

/** A user of `partner` with the given roles, and a token for it. */
export async function addUser(
  stack: ApiCaller,
  partner: TestPartner,
  roles: { companyRole?: string; customerRole?: string } = {},
): Promise<{ id: string; token: string; email: string }> {
  const email = `user-${unique()}@contoso-partners.example`;
  const created = await stack.http('POST', '/v1/users', { email, displayName: 'A User', ...roles }, bearer(partner.admin.token));
  if (created.status !== 201) throw new Error(`creating a user failed: ${created.status} ${created.text}`);
  const token = await stack.http('POST', `/v1/users/${created.body.id}/tokens`, {}, bearer(partner.admin.token));
  if (token.status !== 201) throw new Error(`issuing a token failed: ${token.status} ${token.text}`);
  return { id: created.body.id, token: token.body.token, email };
}
