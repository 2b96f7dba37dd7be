import { ApplicationFailure } from '@temporalio/common';
import type { Models } from '../../src/db/models';
import { DelegatedAdminFailure } from '../../workflows/delegated-admin/failures';
import type { RelationshipState } from '../../workflows/delegated-admin/types';
import { insertOnce } from '../../src/db/duplicate-key';
import { linkUrl } from '../../src/links/model';
import { saveSnapshot } from '../records';

export function createDelegatedAdminActivities({ models, publicUrl }: { models: Models; publicUrl?: string }) {
  return {
    /** Registers the code of the link a customer answers the request at; its URL (none when the worker has no PUBLIC_URL). */
    async registerRelationshipLink({ code, relationshipId }: { code: string; relationshipId: string }): Promise<string | undefined> {
      await insertOnce(models.LinkCode, { _id: code, kind: 'delegated-admin', targetId: relationshipId, createdAt: new Date() });
      return publicUrl ? linkUrl(publicUrl, 'delegated-admin', code) : undefined;
    },
    /** Refuses (for good) once the partner is no longer delegated-admin certified: a pending request can then not be accepted. */
    async checkPartnerCertified(partnerId: string): Promise<void> {
      const partner = await models.Partner.findById(partnerId, { authorisations: 1 }).lean();
      if (!partner?.authorisations.includes('delegated-admin-certified')) {
        throw ApplicationFailure.nonRetryable(
          'the partner is no longer delegated-admin certified: its request can no longer be accepted',
          DelegatedAdminFailure.PartnerNotCertified,
        );
      }
    },
    async saveRelationship({
      relationshipId,
      ...fields
    }: RelationshipState & { revision: number; workflowId?: string; runId?: string; firstRunId?: string }): Promise<void> {
      await saveSnapshot(models.Relationship, relationshipId, fields);
    },
  };
}

export type DelegatedAdminActivities = ReturnType<typeof createDelegatedAdminActivities>;
