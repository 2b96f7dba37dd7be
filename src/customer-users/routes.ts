import { z } from 'zod';
import { defineRoute } from '../api/route';
import { customerParams } from '../customers/schemas';
import type { Services } from '../services';
import {
  changePasswordSchema,
  createCustomerUserSchema,
  customerUserOut,
  customerUserParams,
  passwordResetOut,
  signedInOut,
  signInSchema,
  updateCustomerUserSchema,
} from '../customer-portal/schemas';
import { presentCustomerUser } from './present';

const params = customerParams.extend(customerUserParams.shape);
const asPartner = ['delegated-admin-required', 'delegated-admin-role-insufficient'] as const;
const assigning = ['licenses-exhausted', 'sku-not-subscribed'] as const;
const underDelegatedAdmin =
  'Under an active delegated-admin relationship with the customer, run by the relationship’s workflow: an act cannot land after the relationship ends. ' +
  'Needs the partner to be an authorised service provider.';

/** A customer's users as the partner manages them under delegated administration, and customer users' own sign-in. */
export function customerUserRoutes({ customerUsers }: Services) {
  return [
    defineRoute({
      method: 'get',
      path: '/v1/customers/{customerId}/users',
      operationId: 'listCustomerUsersAsPartner',
      summary: "A customer's users (full or limited customer role, under active delegated administration)",
      tag: 'Customer users',
      auth: 'partner',
      permission: 'customers:read-tenant',
      params: customerParams,
      responses: { 200: { description: 'Its users', schema: customerUserOut.array() } },
      problems: ['delegated-admin-required'],
      async handler({ principal, params }) {
        return { status: 200, body: (await customerUsers.listAsPartner(principal, params.customerId)).map(presentCustomerUser) };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/v1/customers/{customerId}/users/{userId}',
      operationId: 'getCustomerUserAsPartner',
      summary: "One of a customer's users (full or limited customer role, under active delegated administration)",
      tag: 'Customer users',
      auth: 'partner',
      permission: 'customers:read-tenant',
      params,
      responses: { 200: { description: 'The user', schema: customerUserOut } },
      problems: ['delegated-admin-required'],
      async handler({ principal, params }) {
        return { status: 200, body: presentCustomerUser(await customerUsers.getAsPartner(principal, params.customerId, params.userId)) };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/v1/customers/{customerId}/users',
      operationId: 'createCustomerUserAsPartner',
      summary: 'Add a user to a customer, with licenses assigned (full customer role)',
      description: underDelegatedAdmin,
      tag: 'Customer users',
      auth: 'partner',
      permission: 'customers:administer',
      params: customerParams,
      body: createCustomerUserSchema,
      creates: true,
      responses: { 201: { description: 'Created', schema: customerUserOut } },
      problems: [...asPartner, ...assigning, 'email-taken', 'change-in-progress'],
      async handler({ principal, params, body, request }) {
        return { status: 201, body: presentCustomerUser(await customerUsers.createAsPartner(principal, params.customerId, body, request)) };
      },
    }),
    defineRoute({
      method: 'patch',
      path: '/v1/customers/{customerId}/users/{userId}',
      operationId: 'updateCustomerUserAsPartner',
      summary: "Change a customer user's name, role or licenses (full customer role)",
      description: underDelegatedAdmin,
      tag: 'Customer users',
      auth: 'partner',
      permission: 'customers:administer',
      params,
      body: updateCustomerUserSchema,
      responses: { 200: { description: 'The user after the change', schema: customerUserOut } },
      problems: [...asPartner, ...assigning, 'change-in-progress'],
      async handler({ principal, params, body, request }) {
        return {
          status: 200,
          body: presentCustomerUser(await customerUsers.updateAsPartner(principal, params.customerId, params.userId, body, request)),
        };
      },
    }),
    defineRoute({
      method: 'delete',
      path: '/v1/customers/{customerId}/users/{userId}',
      operationId: 'removeCustomerUserAsPartner',
      summary: 'Remove a customer user, freeing its licenses (full customer role)',
      description: underDelegatedAdmin,
      tag: 'Customer users',
      auth: 'partner',
      permission: 'customers:administer',
      params,
      responses: { 204: { description: 'Removed' } },
      problems: [...asPartner, 'change-in-progress'],
      async handler({ principal, params, request }) {
        await customerUsers.removeAsPartner(principal, params.customerId, params.userId, request);
        return { status: 204 };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/v1/customers/{customerId}/users/{userId}/password-reset',
      operationId: 'resetCustomerUserPasswordAsPartner',
      summary: 'Reset a customer user’s password to a one-time one (limited role: users who are not admins; full role: anyone)',
      description: `${underDelegatedAdmin} The one-time password is shown once, stored only as an scrypt hash, and must be changed at the next sign-in. A retry with the same Idempotency-Key answers with the same one-time password while it is still the user's, and 410 secret-withdrawn once it has been changed or reset again.`,
      tag: 'Customer users',
      auth: 'partner',
      permission: 'customers:reset-passwords',
      params,
      showsSecret: true,
      responses: { 200: { description: 'The user and its one-time password', schema: passwordResetOut } },
      problems: [...asPartner, 'change-in-progress'],
      async handler({ principal, params, request }) {
        const { user, temporaryPassword } = await customerUsers.resetPasswordAsPartner(principal, params.customerId, params.userId, request);
        return { status: 200, body: { user: presentCustomerUser(user), temporaryPassword } };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/v1/customer-users/sign-in',
      operationId: 'signInCustomerUser',
      summary: 'A customer user checks its e-mail and password (refused while it holds a one-time password: it changes it first)',
      tag: 'Customer users',
      auth: 'public',
      body: signInSchema,
      responses: { 200: { description: 'Signed in', schema: signedInOut } },
      problems: ['invalid-credentials', 'password-change-required'],
      async handler({ body }) {
        const user = await customerUsers.signIn(body.customerId, body.email, body.password);
        return { status: 200, body: { userId: user._id, customerId: user.customerId, displayName: user.displayName, role: user.role } };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/v1/customer-users/password',
      operationId: 'changeCustomerUserPassword',
      summary: 'A customer user changes its password (a one-time one must be changed before signing in)',
      tag: 'Customer users',
      auth: 'public',
      body: changePasswordSchema,
      responses: { 200: { description: 'Changed', schema: signedInOut.extend({ mustChangePassword: z.boolean() }) } },
      problems: ['invalid-credentials'],
      async handler({ body }) {
        const user = await customerUsers.changePassword(body.customerId, body.email, body.password, body.newPassword);
        return {
          status: 200,
          body: { userId: user._id, customerId: user.customerId, displayName: user.displayName, role: user.role, mustChangePassword: user.mustChangePassword },
        };
      },
    }),
  ];
}
