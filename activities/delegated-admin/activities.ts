import type { Models } from '../../src/db/models';
import type { RelationshipState } from '../../workflows/delegated-admin/types';
import { saveSnapshot } from '../records';

export function createDelegatedAdminActivities({ models }: { models: Models }) {
  return {
    async saveRelationship({ relationshipId, ...fields }: RelationshipState & { revision: number; workflowId?: string; runId?: string }): Promise<void> {
      await saveSnapshot(models.Relationship, relationshipId, fields);
    },
  };
}

export type DelegatedAdminActivities = ReturnType<typeof createDelegatedAdminActivities>;
