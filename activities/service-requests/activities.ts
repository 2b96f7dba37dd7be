import type { Models } from '../../src/db/models';
import type { ServiceRequestDoc } from '../../src/service-requests/model';
import type { Wire } from '../../src/db/record';
import { saveSnapshot } from '../records';
import { openRequestCounts } from '../../src/service-requests/open-counts';
import { createCustomerPublishingActivities, type PublishDeps } from '../customer-directory/publish';

/** A service request as its workflow stores it: the record's fields, with its id. */
export type ServiceRequestSnapshot = Wire<Omit<ServiceRequestDoc, '_id'>> & { serviceRequestId: string };

export function createServiceRequestActivities(deps: { models: Models } & PublishDeps) {
  const { models } = deps;
  const { publishCustomerFacts } = createCustomerPublishingActivities(deps);
  return {
    /** Stores the request's snapshot, whole history included, ordered by its revision (a retry or an older revision changes nothing). */
    async saveServiceRequest({ serviceRequestId, ...fields }: ServiceRequestSnapshot): Promise<void> {
      await saveSnapshot(models.ServiceRequest, serviceRequestId, fields);
      // the partner's customer list filters by open requests: counted now, after this change, and told with this moment
      const at = new Date().toISOString();
      const openRequests = await openRequestCounts(models, fields.partnerId, fields.customerId);
      await publishCustomerFacts({ partnerId: fields.partnerId, customerId: fields.customerId, at, openRequests });
    },
  };
}

export type ServiceRequestActivities = ReturnType<typeof createServiceRequestActivities>;
