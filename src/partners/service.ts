import type { Connection } from 'mongoose';
import type { z } from 'zod';
import type { Models } from '../db/models';
import { withLock } from '../db/lock';
import { notFound } from '../api/problem';
import { newTimeOrderedId } from '../ids';
import { createUser, issueTokenFor } from '../users/service';
import type { Authorisation, PartnerDoc } from './model';
import type { createPartnerSchema } from './schemas';

/** Creates a partner with its first global admin and that admin's first token (shown once). */
export async function createPartner(models: Models, input: z.output<typeof createPartnerSchema>, now = new Date()) {
  const partnerId = newTimeOrderedId('ptn');
  const partner = (
    await models.Partner.create({ _id: partnerId, cloud: input.cloud, profile: input.profile, authorisations: input.authorisations, createdAt: now, updatedAt: now })
  ).toObject() as PartnerDoc;
  try {
    const admin = await createUser(models, partnerId, { ...input.admin, companyRole: 'global-admin', customerRole: 'full' }, now);
    const token = await issueTokenFor(models, admin, { label: 'first token', createdBy: 'operator' }, now);
    return { partner, admin, token };
  } catch (err) {
    // no multi-document transactions (FerretDB): undo by hand
    await models.User.deleteMany({ partnerId });
    await models.Partner.deleteOne({ _id: partnerId });
    throw err;
  }
}

export async function findPartner(models: Models, partnerId: string): Promise<PartnerDoc> {
  const partner = await models.Partner.findById(partnerId).lean<PartnerDoc>();
  if (!partner) throw notFound(`partner ${partnerId}`);
  return partner;
}

/** Grants or withdraws one authorisation; returns the partner before and after. */
export async function setAuthorisation(connection: Connection, models: Models, partnerId: string, authorisation: Authorisation, granted: boolean, now = new Date()) {
  return withLock(connection, `partner:${partnerId}`, async () => {
    const before = await findPartner(models, partnerId);
    const set = new Set(before.authorisations as Authorisation[]);
    if (granted) set.add(authorisation);
    else set.delete(authorisation);
    const authorisations = [...set].sort();
    if (authorisations.join() !== [...before.authorisations].sort().join()) {
      await models.Partner.updateOne({ _id: partnerId }, { $set: { authorisations, updatedAt: now } });
      return { before, after: { ...before, authorisations, updatedAt: now } as PartnerDoc, changed: true };
    }
    return { before, after: before, changed: false };
  });
}

export async function updateProfile(connection: Connection, models: Models, partnerId: string, patch: Partial<PartnerDoc['profile']>, now = new Date()) {
  return withLock(connection, `partner:${partnerId}`, async () => {
    const before = await findPartner(models, partnerId);
    const profile = { ...before.profile, ...patch };
    await models.Partner.updateOne({ _id: partnerId }, { $set: { profile, updatedAt: now } }, { runValidators: true });
    return { before, after: { ...before, profile, updatedAt: now } as PartnerDoc };
  });
}
