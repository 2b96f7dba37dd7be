import type { Models } from '../../src/db/models';
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
    async saveRelationship({ relationshipId, ...fields }: RelationshipState & { revision: number; workflowId?: string; runId?: string }): Promise<void> {
      await saveSnapshot(models.Relationship, relationshipId, fields);
    },
  };
}

export type DelegatedAdminActivities = ReturnType<typeof createDelegatedAdminActivities>;
