import { insertOnce } from '../db/duplicate-key';
import { notFound } from '../errors';
import type { InvitationDoc } from '../invitations/model';
import type { OfferDoc } from '../offers/model';
import type { ServiceDeps } from '../service-deps';
import { linkUrl, type LinkKind } from './model';
import type { RelationshipDoc } from '../delegated-admin/model';

/** What a link's code stands for. */
export type LinkTarget =
  { kind: 'invitation'; invitation: InvitationDoc } | { kind: 'offer'; offer: OfferDoc } | { kind: 'delegated-admin'; relationship: RelationshipDoc };

/** The links partners hand out: each code stands for one invitation or offer. */
export function createLinkService({ models, publicUrl }: Pick<ServiceDeps, 'models' | 'publicUrl'>) {
  /** Records what a link's code stands for (once: registering it again changes nothing). */
  const register = async (code: string, kind: LinkKind, targetId: string): Promise<void> => {
    await insertOnce(models.LinkCode, { _id: code, kind, targetId, createdAt: new Date() });
  };
  return {
    register,

    /** The URL a customer opens for a link. */
    url: (kind: LinkKind, code: string): string => linkUrl(publicUrl, kind, code),

    /** The invitation or offer a link's code stands for; not found for a code nobody issued. */
    async resolve(code: string): Promise<LinkTarget> {
      const link = await models.LinkCode.findById(code).lean();
      if (link?.kind === 'invitation') {
        const invitation = await models.Invitation.findById(link.targetId).lean();
        if (invitation) return { kind: 'invitation', invitation };
      } else if (link?.kind === 'offer') {
        const offer = await models.Offer.findById(link.targetId).lean();
        if (offer) return { kind: 'offer', offer };
      } else if (link?.kind === 'delegated-admin') {
        const relationship = await models.Relationship.findById(link.targetId).lean();
        if (relationship) return { kind: 'delegated-admin', relationship };
      } else {
        // A link made before codes were registered: found by its code (registered now).
        const [invitation, offer] = await Promise.all([models.Invitation.findOne({ code }).lean(), models.Offer.findOne({ code }).lean()]);
        if (invitation) await register(code, 'invitation', invitation._id);
        else if (offer) await register(code, 'offer', offer._id);
        if (invitation) return { kind: 'invitation', invitation };
        if (offer) return { kind: 'offer', offer };
      }
      throw notFound('this link');
    },
  };
}

export type LinkService = ReturnType<typeof createLinkService>;
