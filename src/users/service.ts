import { idFor, plainIdFor, type RequestScope } from '../request-scope';
import type { ApiTokenDoc } from '../auth/model';
import { requireMayGrant, requireMayManage } from '../auth/grants';
import { permissionsOf, requirePermission, type Action } from '../auth/policy';
import type { PartnerPrincipal } from '../auth/principal';
import { issueToken } from '../auth/tokens';
import { isDuplicateKey } from '../db/duplicate-key';
import { withLock } from '../db/lock';
import type { Models } from '../db/models';
import { findOwned } from '../db/owned';
import { pageById, type PageRequest } from '../db/pagination';
import { DomainError, notFound } from '../errors';
import { newTimeOrderedId } from '../ids';
import type { ServiceDeps } from '../service-deps';
import { DAY_MS } from '../../workflows/durations';
import type { CompanyRole, CustomerRole, UserDoc } from './model';

export interface NewUser {
  email: string;
  displayName: string;
  companyRole: CompanyRole;
  customerRole: CustomerRole;
}

export type UserChange = { displayName?: string; companyRole?: CompanyRole; customerRole?: CustomerRole };

/** Creates a user; `userId` (derived from the request, when it has a key) lets a retry find the user it made. */
export async function createUser(models: Models, partnerId: string, input: NewUser, now = new Date(), userId = newTimeOrderedId('usr')): Promise<UserDoc> {
  try {
    const doc = await models.User.create({
      _id: userId,
      partnerId,
      ...input,
      emailLower: input.email.toLowerCase(),
      active: true,
      createdAt: now,
      updatedAt: now,
    });
    return doc.toObject() as UserDoc;
  } catch (err) {
    if (!isDuplicateKey(err)) throw err;
    const made = await models.User.findById(userId).lean();
    if (made?.partnerId === partnerId && made.emailLower === input.email.toLowerCase()) return made; // this request's, made by an attempt before
    throw new DomainError('email-taken', `a user with the e-mail ${input.email} already exists in this partner`);
  }
}

/**
 * Issues a token. With `tokenId` (derived from a request's key) a retry of the request issues it
 * again under the same id, replacing the secret an earlier attempt made and nobody received.
 */
export async function issueTokenFor(
  models: Models,
  user: Pick<UserDoc, '_id' | 'partnerId'>,
  opts: { label: string; expiresInDays?: number; createdBy: string },
  now = new Date(),
  tokenId?: string,
) {
  const issued = issueToken({ partnerId: user.partnerId, userId: user._id }, undefined, tokenId);
  if (tokenId) await models.ApiToken.deleteOne({ _id: tokenId, userId: user._id, revokedAt: { $exists: false } });
  try {
    const doc = await models.ApiToken.create({
      _id: issued.tokenId,
      hash: issued.hash,
      partnerId: user.partnerId,
      userId: user._id,
      label: opts.label,
      createdAt: now,
      createdBy: opts.createdBy,
      expiresAt: opts.expiresInDays ? new Date(now.getTime() + opts.expiresInDays * DAY_MS) : undefined,
    });
    return { doc: doc.toObject() as ApiTokenDoc, token: issued.token };
  } catch (err) {
    if (!isDuplicateKey(err)) throw err;
    throw new DomainError(
      'conflict',
      'the token an earlier attempt of this request issued has been revoked since: send a new request, with a new Idempotency-Key',
    );
  }
}

/** Managing someone else's user or tokens takes `othersAction`; one's own does not. */
const requireFor = (principal: PartnerPrincipal, userId: string, othersAction: Action) => {
  if (userId !== principal.user._id) requirePermission(principal, othersAction);
};

export function createUserService({ models }: Pick<ServiceDeps, 'models'>) {
  const lockKey = (partnerId: string) => `partner-users:${partnerId}`;
  const find = async (partnerId: string, userId: string): Promise<UserDoc> => {
    const user = await findOwned(models.User, userId, { partnerId });
    if (!user) throw notFound(`user ${userId}`);
    return user;
  };

  /**
   * Changes a user; a change that would leave the partner without an active
   * global admin is refused. Serialised per partner, so two admins demoting each
   * other at once cannot both succeed. The caller must outrank nobody it changes, and grant
   * no role above its own.
   */
  const change = (principal: PartnerPrincipal, userId: string, change: UserChange & { active?: false }, now = new Date()) =>
    withLock(models.User.db, lockKey(principal.partner._id), async () => {
      const partnerId = principal.partner._id;
      const before = await find(partnerId, userId);
      requireMayManage(principal.user, before);
      requireMayGrant(principal.user, change);
      if (!before.active) throw new DomainError('user-inactive', `user ${userId} is deactivated`);
      const losesAdmin = before.companyRole === 'global-admin' && ((change.companyRole && change.companyRole !== 'global-admin') || change.active === false);
      if (losesAdmin) {
        const others = await models.User.countDocuments({ partnerId, companyRole: 'global-admin', active: true, _id: { $ne: userId } });
        if (others === 0)
          throw new DomainError('last-global-admin', `${before.email} is the last active global admin of this partner: make someone else global admin first`);
      }
      const set: Partial<UserDoc> = { ...change, updatedAt: now, ...(change.active === false ? { deactivatedAt: now } : {}) };
      await models.User.updateOne({ _id: userId, partnerId }, { $set: set });
      if (change.active === false) {
        await models.ApiToken.updateMany({ partnerId, userId, revokedAt: { $exists: false } }, { $set: { revokedAt: now, revokedBy: 'deactivation' } });
      }
      return { before, after: { ...before, ...set } };
    });

  return {
    /** The calling user's permissions. */
    permissions: (principal: PartnerPrincipal) => permissionsOf(principal.partner, principal.user),

    list(partnerId: string, filter: { active?: boolean }, page: PageRequest) {
      const query = { partnerId, ...(filter.active === undefined ? {} : { active: filter.active }) };
      return pageById(models.User, query, { ...page, scope: query, order: 'oldest-first' });
    },

    async create(principal: PartnerPrincipal, input: NewUser, request: RequestScope): Promise<UserDoc> {
      requireMayGrant(principal.user, input);
      const user = await createUser(models, principal.partner._id, input, request.at, idFor(request, 'usr'));
      await request.audit({
        action: 'user.created',
        target: { kind: 'user', id: user._id },
        details: { email: user.email, companyRole: user.companyRole, customerRole: user.customerRole },
      });
      return user;
    },

    /** A user of the caller's partner: admins see anyone, others themselves. */
    get(principal: PartnerPrincipal, userId: string): Promise<UserDoc> {
      requireFor(principal, userId, 'users:read');
      return find(principal.partner._id, userId);
    },

    async update(principal: PartnerPrincipal, userId: string, patch: UserChange, request: RequestScope): Promise<UserDoc> {
      const { before, after } = await change(principal, userId, patch);
      const changes = Object.fromEntries(
        (Object.keys(patch) as Array<keyof UserChange>).filter((k) => before[k] !== after[k]).map((k) => [k, { from: before[k], to: after[k] }]),
      );
      await request.audit({ action: 'user.updated', target: { kind: 'user', id: userId }, details: changes });
      return after;
    },

    async deactivate(principal: PartnerPrincipal, userId: string, request: RequestScope): Promise<UserDoc> {
      const { after } = await change(principal, userId, { active: false });
      await request.audit({ action: 'user.deactivated', target: { kind: 'user', id: userId } });
      return after;
    },

    /** A new API token for a user (oneself, or anyone by admins); its secret is in the result only. */
    async issueToken(principal: PartnerPrincipal, userId: string, opts: { label: string; expiresInDays?: number }, request: RequestScope) {
      requireFor(principal, userId, 'users:manage');
      const user = await find(principal.partner._id, userId);
      if (!user.active) throw notFound(`active user ${userId}`);
      requireMayManage(principal.user, user);
      const issued = await issueTokenFor(models, user, { ...opts, createdBy: principal.user._id }, request.at, plainIdFor(request, 'tok'));
      await request.audit({ action: 'token.issued', target: { kind: 'user', id: user._id }, details: { tokenId: issued.doc._id, label: issued.doc.label } });
      return issued;
    },

    /** A user's tokens, newest first (never their secrets). */
    async tokens(principal: PartnerPrincipal, userId: string): Promise<ApiTokenDoc[]> {
      requireFor(principal, userId, 'users:read');
      await find(principal.partner._id, userId);
      return models.ApiToken.find({ partnerId: principal.partner._id, userId }).sort({ createdAt: -1 }).lean();
    },

    /** Revokes a token (idempotent). */
    async revokeToken(principal: PartnerPrincipal, userId: string, tokenId: string, request: RequestScope): Promise<void> {
      requireFor(principal, userId, 'users:manage');
      const token = await findOwned(models.ApiToken, tokenId, { partnerId: principal.partner._id, userId });
      if (!token) throw notFound(`token ${tokenId}`);
      if (token.revokedAt) return;
      await models.ApiToken.updateOne({ _id: token._id }, { $set: { revokedAt: new Date(), revokedBy: principal.user._id } });
      await request.audit({ action: 'token.revoked', target: { kind: 'user', id: userId }, details: { tokenId: token._id } });
    },
  };
}

export type UserService = ReturnType<typeof createUserService>;
