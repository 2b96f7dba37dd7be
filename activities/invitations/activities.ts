import { ApplicationFailure } from '@temporalio/activity';
import type { Models } from '../../src/db/models';
import type { InvitationState } from '../../workflows/invitations/types';
import { InvitationFailure } from '../../workflows/invitations/failures';
import { invitationWorkflowId } from '../../workflows/invitations/ids';
import { saveSnapshot } from '../snapshot';

export interface InvitationSnapshot extends Omit<InvitationState, 'recorded' | 'redemptions'> {
  revision: number;
}

export function createInvitationActivities({ models }: { models: Models }) {
  return {
    /** Stores the invitation as the workflow now holds it (idempotent, ordered by revision). */
    async saveInvitation(snapshot: InvitationSnapshot): Promise<void> {
      await saveSnapshot(models.Invitation, snapshot.invitationId, {
        ...withoutId(snapshot),
        workflowId: invitationWorkflowId(snapshot.invitationId),
      });
    },

    /** The partner's cloud, if it may still send trial invitations (it may have lost the authorisation since). */
    async checkPartnerMayInvite(partnerId: string): Promise<{ cloud: string }> {
      const partner = await models.Partner.findById(partnerId).lean();
      if (!partner?.authorisations.includes('subscription-advisor')) {
        throw ApplicationFailure.nonRetryable(`the partner is no longer authorised as subscription advisor`, InvitationFailure.PartnerNotAuthorised);
      }
      return { cloud: partner.cloud };
    },

    async recordRedemption(r: { invitationId: string; partnerId: string; customerId: string; onboardingWorkflowId: string; at: string }): Promise<void> {
      try {
        await models.Redemption.create({ _id: `${r.invitationId}|${r.customerId}`, ...r, at: new Date(r.at) });
      } catch (err) {
        if ((err as { code?: number }).code !== 11000) throw err;
      }
    },
  };
}

function withoutId({ invitationId: _id, ...rest }: InvitationSnapshot) {
  return rest;
}

export type InvitationActivities = ReturnType<typeof createInvitationActivities>;
