import { insertOnce } from '../db/duplicate-key';
import type { z } from 'zod';
import { idFor, plainIdFor, type RequestScope } from '../request-scope';
import { withLock } from '../db/lock';
import { pageById, type PageRequest } from '../db/pagination';
import { notFound } from '../errors';
import type { ServiceDeps } from '../service-deps';
import { createUser, issueTokenFor } from '../users/service';
import type { Authorisation, CompanyProfile, PartnerDoc } from './model';
import type { createPartnerSchema } from './schemas';

/** The profile customers see wherever the partner is shown to them (absent fields left out). */
export type PublicProfile = Omit<CompanyProfile, 'address'> & { address: Record<string, string> };

/** What a customer sees of the partner behind a link. */
export function publicProfile(partner: PartnerDoc): PublicProfile {
  const { name, phone, email, website, address } = partner.profile;
  return { name, phone, email, website, address: Object.fromEntries(Object.entries(address).filter(([, v]) => v != null)) as Record<string, string> };
}

export function createPartnerService({ models }: Pick<ServiceDeps, 'models'>) {
  const connection = () => models.Partner.db;
  const find = async (partnerId: string): Promise<PartnerDoc> => {
    const partner = await models.Partner.findById(partnerId).lean();
    if (!partner) throw notFound(`partner ${partnerId}`);
    return partner;
  };
  return {
    find,

    list: (page: PageRequest) => pageById(models.Partner, {}, { ...page, scope: 'partners', order: 'oldest-first' }),

    /** Creates a partner with its first global admin and that admin's first token (shown once). */
    async create(input: z.output<typeof createPartnerSchema>, request: RequestScope) {
      const now = request.at;
      const partnerId = idFor(request, 'ptn');
      await insertOnce(models.Partner, {
        _id: partnerId,
        cloud: input.cloud,
        profile: input.profile,
        authorisations: input.authorisations,
        createdAt: now,
        updatedAt: now,
      });
      const partner = (await models.Partner.findById(partnerId).lean())!;
      let made;
      try {
        const admin = await createUser(models, partnerId, { ...input.admin, companyRole: 'global-admin', customerRole: 'full' }, now, idFor(request, 'usr'));
        const token = await issueTokenFor(models, admin, { label: 'first token', createdBy: 'operator' }, now, plainIdFor(request, 'tok'));
        made = { partner, admin, token };
      } catch (err) {
        // no multi-document transactions (FerretDB): undo by hand
        await models.User.deleteMany({ partnerId });
        await models.Partner.deleteOne({ _id: partnerId });
        throw err;
      }
      await request.audit({
        partnerId,
        action: 'partner.created',
        target: { kind: 'partner', id: partnerId },
        details: { cloud: partner.cloud, authorisations: partner.authorisations, admin: made.admin.email },
      });
      return made;
    },

    /** Grants or withdraws one authorisation (idempotent); returns the partner after. */
    async setAuthorisation(partnerId: string, authorisation: Authorisation, granted: boolean, request: RequestScope, now = new Date()): Promise<PartnerDoc> {
      const { after, changed } = await withLock(connection(), `partner:${partnerId}`, async () => {
        const before = await find(partnerId);
        const set = new Set(before.authorisations);
        if (granted) set.add(authorisation);
        else set.delete(authorisation);
        const authorisations = [...set].sort();
        if (authorisations.join() === [...before.authorisations].sort().join()) return { after: before, changed: false };
        await models.Partner.updateOne({ _id: partnerId }, { $set: { authorisations, updatedAt: now } });
        return { after: { ...before, authorisations, updatedAt: now }, changed: true };
      });
      if (changed) {
        await request.audit({
          partnerId,
          action: granted ? 'partner.authorisation-granted' : 'partner.authorisation-withdrawn',
          target: { kind: 'partner', id: partnerId },
          details: { authorisation },
        });
      }
      return after;
    },

    /** Changes fields of the company profile; the audit names those that changed. */
    async updateProfile(partnerId: string, patch: Partial<CompanyProfile>, request: RequestScope, now = new Date()): Promise<PartnerDoc> {
      const { before, after } = await withLock(connection(), `partner:${partnerId}`, async () => {
        const before = await find(partnerId);
        const profile = { ...before.profile, ...patch };
        await models.Partner.updateOne({ _id: partnerId }, { $set: { profile, updatedAt: now } }, { runValidators: true });
        return { before, after: { ...before, profile, updatedAt: now } };
      });
      const fields = Object.keys(patch).filter(
        (k) => JSON.stringify(before.profile[k as keyof CompanyProfile]) !== JSON.stringify(patch[k as keyof CompanyProfile]),
      );
      await request.audit({ action: 'partner.profile-updated', target: { kind: 'partner', id: partnerId }, details: { fields } });
      return after;
    },
  };
}

export type PartnerService = ReturnType<typeof createPartnerService>;
