import { recordAudit } from '../audit/record';
import { isDuplicateKey } from '../db/duplicate-key';
import { withLock } from '../db/lock';
import type { Models } from '../db/models';
import { DomainError, notFound } from '../errors';
import type { CustomerUserRole } from '../../workflows/delegated-admin/acting';
import type { CustomerUserDoc, PasswordReset } from './model';
import type { SubscriptionStatus } from '../../workflows/subscriptions/types';

/** Who changes a customer's users: the customer itself (its token acts as its global admin), or a partner user under a relationship. */
export type CustomerUserActor =
  { kind: 'customer' } | { kind: 'partner-user'; userId: string; partnerId: string; relationshipId: string; role: 'full' | 'limited' };

/** One change: in which customer, by whom, when, and the audit entry that records it (its id names the change, so a retry finds it done). */
export interface UserChange {
  customerId: string;
  actor: CustomerUserActor;
  at: Date;
  auditId: string;
  requestId?: string;
}

export interface NewCustomerUserFields {
  userId: string;
  email: string;
  displayName: string;
  role: CustomerUserRole;
  skus: string[];
}

export interface CustomerUserPatch {
  displayName?: string;
  role?: CustomerUserRole;
  skus?: string[];
}

/** Subscriptions whose licenses can be assigned. */
export const LICENSED_STATUSES: SubscriptionStatus[] = ['trial', 'active'];
/** Held while licenses of a customer are assigned, or a subscription of it goes down in licenses: one at a time. */
export const licenseLockKey = (customerId: string): string => `customer-licenses:${customerId}`;

/**
 * The users of a customer tenant: each write is idempotent (keyed by the change's ids)
 * and recorded in the audit log with the customer, so the customer reads who did what.
 * Used by the API for the customer's own changes and by the acting activity for a
 * partner's under delegated administration.
 */
export function customerUserStore(models: Models) {
  const find = (customerId: string, userId: string) => models.CustomerUser.findOne({ _id: userId, customerId }).lean();
  const done = async (change: UserChange) => (await models.AuditEvent.exists({ _id: change.auditId })) !== null;
  const audit = (change: UserChange, action: string, userId: string, details: Record<string, unknown>) => {
    const a = change.actor;
    return recordAudit(
      models,
      {
        partnerId: a.kind === 'partner-user' ? a.partnerId : undefined,
        customerId: change.customerId,
        actor: a.kind === 'customer' ? { kind: 'customer', id: change.customerId } : { kind: 'partner-user', id: a.userId },
        action: `customer-user.${action}`,
        target: { kind: 'customer-user', id: userId },
        requestId: change.requestId,
        details: { customerId: change.customerId, ...(a.kind === 'partner-user' ? { relationshipId: a.relationshipId, actingRole: a.role } : {}), ...details },
      },
      change.at,
      change.auditId,
    );
  };
  /** Assigning more licenses of a SKU than the customer's subscriptions hold is refused; the lock keeps two assignments from both taking the last one. */
  const withLicenses = <T>(customerId: string, userId: string, skus: string[], before: string[], write: () => Promise<T>): Promise<T> => {
    const added = skus.filter((s) => !before.includes(s));
    if (added.length === 0) return write();
    return withLock(models.CustomerUser.db, licenseLockKey(customerId), async () => {
      for (const sku of added) {
        const subs = await models.Subscription.find({ customerId, sku, status: { $in: LICENSED_STATUSES } }, { licenses: 1 }).lean();
        if (subs.length === 0) throw new DomainError('sku-not-subscribed', `the customer has no trial or active subscription of ${sku} to assign`, { sku });
        const held = subs.reduce((n, s) => n + s.licenses, 0);
        const assigned = await models.CustomerUser.countDocuments({ customerId, assignedSkus: sku, _id: { $ne: userId } });
        if (assigned + 1 > held)
          throw new DomainError('licenses-exhausted', `all ${held} ${sku} licenses are assigned: add licenses or unassign one`, { sku, held, assigned });
      }
      return write();
    });
  };

  return {
    list: (customerId: string): Promise<CustomerUserDoc[]> => models.CustomerUser.find({ customerId }).sort({ _id: 1 }).lean(),

    async get(customerId: string, userId: string): Promise<CustomerUserDoc> {
      const user = await find(customerId, userId);
      if (!user) throw notFound(`user ${userId}`);
      return user;
    },

    /** Adds a user; the change's `userId` names it, so a retry finds the user it made. */
    async create(change: UserChange, fields: NewCustomerUserFields): Promise<CustomerUserDoc> {
      const { customerId } = change;
      const earlier = await find(customerId, fields.userId);
      if (!earlier) {
        try {
          await withLicenses(customerId, fields.userId, fields.skus, [], () =>
            models.CustomerUser.create({
              _id: fields.userId,
              customerId,
              email: fields.email,
              emailLower: fields.email.toLowerCase(),
              displayName: fields.displayName,
              role: fields.role,
              assignedSkus: fields.skus,
              mustChangePassword: false,
              createdAt: change.at,
              updatedAt: change.at,
            }),
          );
        } catch (err) {
          if (!isDuplicateKey(err)) throw err;
          if (!(await find(customerId, fields.userId))) throw new DomainError('email-taken', `a user with the e-mail ${fields.email} exists in this tenant`);
        }
      } else if (earlier.emailLower !== fields.email.toLowerCase()) {
        throw new DomainError('conflict', `user ${fields.userId} exists with another e-mail`);
      }
      await audit(change, 'created', fields.userId, { email: fields.email, role: fields.role, skus: fields.skus });
      return (await find(customerId, fields.userId))!;
    },

    /** Changes its name, role or assigned licenses (the same change again changes nothing). */
    async update(change: UserChange, userId: string, patch: CustomerUserPatch): Promise<CustomerUserDoc> {
      const user = await find(change.customerId, userId);
      if (!user) throw notFound(`user ${userId}`);
      if (!(await done(change))) {
        const { skus, ...named } = patch;
        const set = { ...named, ...(skus ? { assignedSkus: skus } : {}), updatedAt: change.at };
        await withLicenses(change.customerId, userId, patch.skus ?? user.assignedSkus, user.assignedSkus, () =>
          models.CustomerUser.updateOne({ _id: userId, customerId: change.customerId }, { $set: set }, { runValidators: true }),
        );
        await audit(change, 'updated', userId, { from: { displayName: user.displayName, role: user.role, skus: user.assignedSkus }, to: patch });
      }
      return (await find(change.customerId, userId))!;
    },

    /** Removes it, freeing its licenses; recorded first, so a retry after a crash between the two still removes it. */
    async remove(change: UserChange, userId: string): Promise<void> {
      const user = await find(change.customerId, userId);
      if (!user) {
        if (await done(change)) return;
        throw notFound(`user ${userId}`);
      }
      await audit(change, 'removed', userId, { email: user.email });
      await models.CustomerUser.deleteOne({ _id: userId, customerId: change.customerId });
    },

    /**
     * Sets a one-time password (its hash only) that must be changed at the next sign-in. A limited
     * partner role resets only users who are not admins; a global admin's needs the full role.
     */
    async resetPassword(change: UserChange, userId: string, passwordHash: string): Promise<CustomerUserDoc> {
      const user = await find(change.customerId, userId);
      if (!user) throw notFound(`user ${userId}`);
      const a = change.actor;
      if (a.kind === 'partner-user' && a.role === 'limited' && user.role !== 'user') {
        throw new DomainError(
          'delegated-admin-role-insufficient',
          `${user.email} is a ${user.role}: resetting an admin's password needs the full customer role; the limited role resets only users'`,
          { role: a.role, needed: 'full' },
        );
      }
      if (!(await done(change))) {
        const lastReset: PasswordReset =
          a.kind === 'customer'
            ? { at: change.at, byKind: 'customer', byId: change.customerId }
            : { at: change.at, byKind: 'partner-user', byId: a.userId, partnerId: a.partnerId, relationshipId: a.relationshipId };
        await models.CustomerUser.updateOne(
          { _id: userId, customerId: change.customerId },
          { $set: { passwordHash, mustChangePassword: true, lastReset, updatedAt: change.at } },
          { runValidators: true },
        );
        await audit(change, 'password-reset', userId, { email: user.email });
      }
      return (await find(change.customerId, userId))!;
    },
  };
}

export type CustomerUserStore = ReturnType<typeof customerUserStore>;
