import type { Models } from '../../src/db/models';
import type { InvitationState } from '../../workflows/invitations/types';
import { invitationWorkflowId } from '../../workflows/invitations/ids';
import { saveSnapshot } from '../snapshot';

export interface InvitationSnapshot extends Omit<InvitationState, 'recorded'> {
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
  };
}

function withoutId({ invitationId: _id, ...rest }: InvitationSnapshot) {
  return rest;
}

export type InvitationActivities = ReturnType<typeof createInvitationActivities>;
