import { ApplicationFailure } from '@temporalio/activity';
import type { Models } from '../../src/db/models';
import { InvitationFailure } from '../../workflows/invitations/failures';
import { invitationWorkflowId } from '../../workflows/invitations/start';
import type { InvitationState } from '../../workflows/invitations/types';
import { writeAuditEntry, type WorkflowAuditEntry } from '../audit/activities';
import { insertRecordOnce, saveSnapshot } from '../records';

export interface InvitationSnapshot extends Omit<InvitationState, 'recorded' | 'redemptions'> {
  revision: number;
}

export interface Redemption {
  invitationId: string;
  partnerId: string;
  customerId: string;
  onboardingWorkflowId: string;
  at: string;
  /** The acceptance's audit entry, written with it (absent from workflows that did not write one). */
  audit?: WorkflowAuditEntry;
}

export function createInvitationActivities({ models }: { models: Models }) {
  return {
    /**
     * Stores the invitation as the workflow now holds it (idempotent, ordered by revision).
     * The first revision registers its link's code too: a link exists exactly when its
     * invitation does, whatever became of the request that asked for it.
     */
    async saveInvitation({ invitationId, ...fields }: InvitationSnapshot): Promise<void> {
      if (fields.revision === 1)
        await insertRecordOnce(models.LinkCode, { _id: fields.code, kind: 'invitation', targetId: invitationId, createdAt: new Date(fields.createdAt) });
      await saveSnapshot(models.Invitation, invitationId, { ...fields, workflowId: invitationWorkflowId(invitationId) });
    },

    /** The partner's cloud, if it may still send trial invitations (it may have lost the authorisation since). */
    async checkPartnerMayInvite(partnerId: string): Promise<{ cloud: string }> {
      const partner = await models.Partner.findById(partnerId).lean();
      if (!partner?.authorisations.includes('subscription-advisor')) {
        throw ApplicationFailure.nonRetryable(`the partner is no longer authorised as subscription advisor`, InvitationFailure.PartnerNotAuthorised);
      }
      return { cloud: partner.cloud };
    },

    async recordRedemption({ audit, ...r }: Redemption): Promise<void> {
      await insertRecordOnce(models.Redemption, { _id: `${r.invitationId}|${r.customerId}`, ...r, at: new Date(r.at) });
      if (audit) await writeAuditEntry(models, audit);
    },
  };
}

export type InvitationActivities = ReturnType<typeof createInvitationActivities>;
