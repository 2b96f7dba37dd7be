import type { Models } from '../../src/db/models';
import type { RelationshipState } from '../../workflows/delegated-admin/types';
import { saveSnapshot } from '../snapshot';

export function createDelegatedAdminActivities({ models }: { models: Models }) {
  return {
    async saveRelationship(snapshot: RelationshipState & { revision: number }): Promise<void> {
      const { relationshipId, ...fields } = snapshot;
      await saveSnapshot(models.Relationship, relationshipId, fields);
    },
  };
}

export type DelegatedAdminActivities = ReturnType<typeof createDelegatedAdminActivities>;
