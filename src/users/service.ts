import type { Connection } from 'mongoose';
import type { Models } from '../db/models';
import { withLock } from '../db/lock';
import { Problem, notFound } from '../api/problem';
import { issueToken } from '../auth/tokens';
import { newTimeOrderedId } from '../ids';
import type { CompanyRole, CustomerRole, UserDoc } from './model';
import { findOwned } from '../db/owned';

export interface NewUser {
  email: string;
  displayName: string;
  companyRole: CompanyRole;
  customerRole: CustomerRole;
}

const lockKey = (partnerId: string) => `partner-users:${partnerId}`;

export async function createUser(models: Models, partnerId: string, input: NewUser, now = new Date()): Promise<UserDoc> {
  try {
    const doc = await models.User.create({
      _id: newTimeOrderedId('usr'),
      partnerId,
      ...input,
      emailLower: input.email.toLowerCase(),
      active: true,
      createdAt: now,
      updatedAt: now,
    });
    return doc.toObject() as UserDoc;
  } catch (err) {
    if ((err as { code?: number }).code === 11000) {
      throw new Problem('email-taken', `a user with the e-mail ${input.email} already exists in this partner`);
    }
    throw err;
  }
}

export async function findUser(models: Models, partnerId: string, userId: string): Promise<UserDoc> {
  const user = await findOwned<UserDoc>(models.User, userId, { partnerId });
  if (!user) throw notFound(`user ${userId}`);
  return user;
}

/**
 * Changes a user; a change that would leave the partner without an active
 * global admin is refused. Serialised per partner, so two admins demoting each
 * other at once cannot both succeed.
 */
export async function changeUser(
  connection: Connection,
  models: Models,
  partnerId: string,
  userId: string,
  change: { displayName?: string; companyRole?: CompanyRole; customerRole?: CustomerRole; active?: false },
  now = new Date(),
): Promise<{ before: UserDoc; after: UserDoc }> {
  return withLock(connection, lockKey(partnerId), async () => {
    const before = await findUser(models, partnerId, userId);
    if (!before.active) throw new Problem('user-inactive', `user ${userId} is deactivated`);
    const losesAdmin = before.companyRole === 'global-admin' && ((change.companyRole && change.companyRole !== 'global-admin') || change.active === false);
    if (losesAdmin) {
      const others = await models.User.countDocuments({ partnerId, companyRole: 'global-admin', active: true, _id: { $ne: userId } });
      if (others === 0) {
        throw new Problem('last-global-admin', `${before.email} is the last active global admin of this partner: make someone else global admin first`);
      }
    }
    const set: Record<string, unknown> = { ...change, updatedAt: now };
    if (change.active === false) set.deactivatedAt = now;
    await models.User.updateOne({ _id: userId, partnerId }, { $set: set });
    if (change.active === false) {
      await models.ApiToken.updateMany({ partnerId, userId, revokedAt: { $exists: false } }, { $set: { revokedAt: now, revokedBy: 'deactivation' } });
    }
    return { before, after: { ...before, ...set } as UserDoc };
  });
}

export async function issueTokenFor(
  models: Models,
  user: Pick<UserDoc, '_id' | 'partnerId'>,
  opts: { label: string; expiresInDays?: number; createdBy: string },
  now = new Date(),
) {
  const issued = issueToken({ partnerId: user.partnerId, userId: user._id });
  const doc = await models.ApiToken.create({
    _id: issued.tokenId,
    hash: issued.hash,
    partnerId: user.partnerId,
    userId: user._id,
    label: opts.label,
    createdAt: now,
    createdBy: opts.createdBy,
    expiresAt: opts.expiresInDays ? new Date(now.getTime() + opts.expiresInDays * 86_400_000) : undefined,
  });
  return { doc: doc.toObject(), token: issued.token };
}
