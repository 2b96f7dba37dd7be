import { randomBytes } from 'node:crypto';
import { acceptInvitation, invite, newCustomer } from '../support/flows';
import { bearer, operator, partnerBody, type TestPartner } from '../support/partners';
import { type HttpResult, type TestStack } from '../support/stack';
import { useStackWithPartner } from '../support/use-stack';

let stack: TestStack;
let p: TestPartner;
useStackWithPartner((s, partner) => {
  stack = s;
  p = partner;
});

const expectInvalid = (res: HttpResult, field: string) => {
  expect({ status: res.status, type: res.body?.type }).toEqual({ status: 400, type: '/problems/validation' });
  expect(res.body.errors.map((e: { path: string }) => e.path)).toContain(field);
};

/** 103 characters before the @: within z.email() and 254 in all, beyond the 64 of RFC 5321 and the documented pattern. */
const LONG_LOCAL = `${'a'.repeat(103)}@example.com`;
const LONG_LABEL = `someone@${'b'.repeat(64)}.example`;
const HYPHEN_END = 'someone@contoso-.example';

describe('e-mail addresses: one rule for every input, the one the answers document', () => {
  it.each([LONG_LOCAL, LONG_LABEL, HYPHEN_END])('refuses %s wherever an e-mail is taken', async (address) => {
    const admin = bearer(p.admin.token);
    expectInvalid(await stack.http('POST', '/v1/users', { email: address, displayName: 'Long' }, admin), 'email');
    expectInvalid(await stack.http('PATCH', '/v1/partner/profile', { email: address }, admin), 'email');

    const partner = partnerBody();
    expectInvalid(
      await stack.http('POST', '/v1/operator/partners', { ...partner, profile: { ...partner.profile, email: address } }, operator),
      'profile.email',
    );
    expectInvalid(await stack.http('POST', '/v1/operator/partners', { ...partner, admin: { ...partner.admin, email: address } }, operator), 'admin.email');

    const invitation = await invite(stack, p);
    const customer = newCustomer();
    expectInvalid(
      await stack.http('POST', `/v1/links/${invitation.code}/accept`, { customer: { ...customer, contact: { ...customer.contact, email: address } } }),
      'customer.contact.email',
    );
    const accepted = await acceptInvitation(stack, invitation.code);
    expectInvalid(await stack.http('POST', '/v1/customer/users', { email: address, displayName: 'Long' }, bearer(accepted.token)), 'email');
  });

  it('takes the longest address the rule allows, and answers with it', async () => {
    const address = `${'a'.repeat(64)}@${randomBytes(4).toString('hex')}.${'c'.repeat(63)}.example`;
    const created = await stack.http('POST', '/v1/users', { email: address, displayName: 'Longest' }, bearer(p.admin.token));
    expect(created.status).toBe(201);
    expect(created.body.email).toBe(address);
  });
});

describe('names: a visible letter or digit, emoji sequences welcome', () => {
  it('a public link refuses a new tenant named "\\u3164" (HANGUL FILLER), naming the field, and creates nothing', async () => {
    const invitation = await invite(stack, p);
    const tenantsBefore = await stack.models.Customer.countDocuments();
    const res = await stack.http('POST', `/v1/links/${invitation.code}/accept`, { customer: { ...newCustomer(), name: '\u3164' } });
    expectInvalid(res, 'customer.name');
    expect(res.body.errors.find((e: { path: string }) => e.path === 'customer.name').message).toBe('must contain a visible letter or digit');
    expect(await stack.models.Customer.countDocuments()).toBe(tenantsBefore);
  });

  it('takes a team named with an emoji ZWJ sequence, and answers with it', async () => {
    const invitation = await invite(stack, p);
    const accepted = await acceptInvitation(stack, invitation.code, { customer: { ...newCustomer(), name: '👩‍💻 Team' } });
    expect(accepted.body.customer.name).toBe('👩‍💻 Team');
    const renamed = await stack.http('PATCH', '/v1/partner/profile', { name: '👩‍💻 Partners' }, bearer(p.admin.token));
    expect(renamed.status).toBe(200);
  });
});
