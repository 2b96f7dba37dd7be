import { ApplicationFailure } from '@temporalio/common';
import type { Models } from '../../src/db/models';
import { DelegatedAdminFailure } from '../../workflows/delegated-admin/failures';
import type { RelationshipState, RelationshipStatus } from '../../workflows/delegated-admin/types';
import { createCustomerPublishingActivities, type PublishDeps } from '../customer-directory/publish';
import { insertOnce } from '../../src/db/duplicate-key';
import { linkUrl } from '../../src/links/model';
import { saveSnapshot } from '../records';

const DIRECTORY_STATE: Record<RelationshipStatus, 'none' | 'pending' | 'active' | 'expiring'> = {
  'approval-pending': 'pending',
  active: 'active',
  expiring: 'expiring',
  expired: 'none',
  terminated: 'none',
  declined: 'none',
  lapsed: 'none',
};

export function createDelegatedAdminActivities(deps: { models: Models; publicUrl?: string } & PublishDeps) {
  const { models, publicUrl } = deps;
  const { publishCustomerFacts } = createCustomerPublishingActivities(deps);
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
      const saved = await saveSnapshot(models.Relationship, relationshipId, fields);
      // the partner's customer list filters by it: told while this is the relationship's latest state (a late retry of an older one is not)
      const latest = saved || (await models.Relationship.findById(relationshipId, { revision: 1 }).lean())?.revision === fields.revision;
      if (latest) {
        await publishCustomerFacts({
          partnerId: fields.partnerId,
          customerId: fields.customerId,
          at: new Date().toISOString(),
          delegatedAdmin: { state: DIRECTORY_STATE[fields.status], endsAt: DIRECTORY_STATE[fields.status] === 'none' ? undefined : fields.endsAt },
        });
      }
    },
  };
}

export type DelegatedAdminActivities = ReturnType<typeof createDelegatedAdminActivities>;
