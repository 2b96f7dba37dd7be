import { createHmac, hkdfSync, randomBytes } from 'node:crypto';
import type { z } from 'zod';
import type { CustomerPrincipal, PartnerPrincipal } from '../auth/principal';
import type { DelegatedAdminService } from '../delegated-admin/service';
import { DomainError } from '../errors';
import { idFor, type RequestScope } from '../request-scope';
import type { ServiceDeps } from '../service-deps';
import type { CustomerAction } from '../../workflows/delegated-admin/acting';
import type { createCustomerUserSchema, updateCustomerUserSchema } from '../customer-portal/schemas';
import type { CustomerUserDoc } from './model';
import { hashPassword, newOneTimePassword, oneTimePasswordFrom, verifyPassword } from './password';
import { customerUserStore, type UserChange } from './store';

export type NewCustomerUser = z.output<typeof createCustomerUserSchema>;
export type CustomerUserChanges = z.output<typeof updateCustomerUserSchema>;

export interface PasswordResetResult {
  user: CustomerUserDoc;
  temporaryPassword: string;
}

/**
 * The users of a customer tenant: managed by the customer (its token acts as its global
 * admin) or by a partner user under delegated administration, whose every change runs in
 * the relationship's workflow (`delegatedAdmin.act`).
 */
export function createCustomerUserService(
  { models, otpKey }: Pick<ServiceDeps, 'models' | 'otpKey'>,
  { delegatedAdmin }: { delegatedAdmin: DelegatedAdminService },
) {
  const store = customerUserStore(models);
  const key = otpKey ?? randomBytes(32);
  /**
   * The one-time password a request sets and its hash: derived (password and salt) from its
   * Idempotency-Key when it has one, so a retry that meets the reset already done answers with
   * the password that reset set, and can tell from the stored hash whether it is still the user's.
   */
  const oneTimePasswordFor = async (request: RequestScope, customerId: string, userId: string) => {
    if (request.key === undefined) {
      const password = newOneTimePassword();
      return { password, hash: await hashPassword(password), derived: false };
    }
    const digest = createHmac('sha256', key).update(`${request.key}\n${customerId}\n${userId}`).digest();
    const password = oneTimePasswordFrom(digest.subarray(0, 16));
    return { password, hash: await hashPassword(password, digest.subarray(16, 32)), derived: true };
  };
  /** A retried reset whose one-time password was changed since (or another reset came after it): not shown again. */
  const stillSet = (user: CustomerUserDoc, otp: { hash: string; derived: boolean }): CustomerUserDoc => {
    if (otp.derived && user.passwordHash !== otp.hash) {
      throw new DomainError(
        'secret-withdrawn',
        `this request reset ${user.email}'s password already, and that one-time password has been changed or reset since: it is not shown again; reset again (with a new Idempotency-Key) for a new one`,
      );
    }
    return user;
  };
  const byCustomer = (customerId: string, request: RequestScope, what: string): UserChange => ({
    customerId,
    actor: { kind: 'customer' },
    at: request.at,
    auditId: idFor(request, 'aud', `${what} ${customerId}`),
    requestId: request.requestId,
  });
  const asPartner = async (principal: PartnerPrincipal, customerId: string, action: CustomerAction, request: RequestScope) => {
    await delegatedAdmin.act(principal, customerId, action, request);
  };

  return {
    list: (customerId: string) => store.list(customerId),
    get: (customerId: string, userId: string) => store.get(customerId, userId),

    /** The customer adds a user; named by the request, so a retry with its Idempotency-Key finds the user it made. */
    create: (customer: CustomerPrincipal['customer'], input: NewCustomerUser, request: RequestScope) =>
      store.create(byCustomer(customer._id, request, 'create'), { userId: idFor(request, 'cuu'), ...input }),
    update: (customerId: string, userId: string, changes: CustomerUserChanges, request: RequestScope) =>
      store.update(byCustomer(customerId, request, `update ${userId}`), userId, changes),
    remove: (customerId: string, userId: string, request: RequestScope) => store.remove(byCustomer(customerId, request, `remove ${userId}`), userId),
    async resetPassword(customerId: string, userId: string, request: RequestScope): Promise<PasswordResetResult> {
      const otp = await oneTimePasswordFor(request, customerId, userId);
      const user = await store.resetPassword(byCustomer(customerId, request, `reset ${userId}`), userId, otp.hash);
      return { user: stillSet(user, otp), temporaryPassword: otp.password };
    },

    /** A partner user reads the customer's users while a relationship grants it (full or limited). */
    async listAsPartner(principal: PartnerPrincipal, customerId: string): Promise<CustomerUserDoc[]> {
      await delegatedAdmin.requireGranted(principal.partner._id, customerId);
      return store.list(customerId);
    },
    async getAsPartner(principal: PartnerPrincipal, customerId: string, userId: string): Promise<CustomerUserDoc> {
      await delegatedAdmin.requireGranted(principal.partner._id, customerId);
      return store.get(customerId, userId);
    },
    async createAsPartner(principal: PartnerPrincipal, customerId: string, input: NewCustomerUser, request: RequestScope): Promise<CustomerUserDoc> {
      const userId = idFor(request, 'cuu');
      await asPartner(principal, customerId, { kind: 'create-user', userId, ...input }, request);
      return store.get(customerId, userId);
    },
    async updateAsPartner(principal: PartnerPrincipal, customerId: string, userId: string, changes: CustomerUserChanges, request: RequestScope) {
      await asPartner(principal, customerId, { kind: 'update-user', userId, ...changes }, request);
      return store.get(customerId, userId);
    },
    removeAsPartner: (principal: PartnerPrincipal, customerId: string, userId: string, request: RequestScope) =>
      asPartner(principal, customerId, { kind: 'remove-user', userId }, request),
    async resetPasswordAsPartner(principal: PartnerPrincipal, customerId: string, userId: string, request: RequestScope): Promise<PasswordResetResult> {
      const otp = await oneTimePasswordFor(request, customerId, userId);
      await asPartner(principal, customerId, { kind: 'reset-password', userId, passwordHash: otp.hash }, request);
      return { user: stillSet(await store.get(customerId, userId), otp), temporaryPassword: otp.password };
    },

    /** A customer user signs in: refused while its password is a one-time one (it changes it first). */
    async signIn(customerId: string, email: string, password: string): Promise<CustomerUserDoc> {
      const user = await signedIn(customerId, email, password);
      if (user.mustChangePassword) throw new DomainError('password-change-required', 'this password is a one-time one: change it before signing in');
      return user;
    },
    /** A customer user changes its password (a one-time one included), which ends the need to change it. */
    async changePassword(customerId: string, email: string, password: string, newPassword: string): Promise<CustomerUserDoc> {
      const user = await signedIn(customerId, email, password);
      if (newPassword === password) throw new DomainError('invalid-input', 'the new password must differ from the current one', { field: 'newPassword' });
      await models.CustomerUser.updateOne(
        { _id: user._id, passwordHash: user.passwordHash },
        { $set: { passwordHash: await hashPassword(newPassword), mustChangePassword: false, updatedAt: new Date() } },
      );
      return (await models.CustomerUser.findById(user._id).lean())!;
    },
  };

  async function signedIn(customerId: string, email: string, password: string): Promise<CustomerUserDoc> {
    const user = await models.CustomerUser.findOne({ customerId, emailLower: email.toLowerCase() }).lean();
    // the hash is checked even for an unknown user, so the answer's timing does not tell who exists
    const ok = await verifyPassword(password, user?.passwordHash ?? DUMMY_HASH);
    if (!user?.passwordHash || !ok) throw new DomainError('invalid-credentials', 'wrong e-mail or password');
    return user;
  }
}

const DUMMY_HASH = 'scrypt$32768$8$1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';

/** The key one-time passwords of retried requests are derived with (from the pages' key: another purpose, another key). */
export const otpKeyFrom = (pageKey: Buffer): Buffer => Buffer.from(hkdfSync('sha256', pageKey, 'offerflow api', 'offerflow one-time passwords v1', 32));

export type CustomerUserService = ReturnType<typeof createCustomerUserService>;
