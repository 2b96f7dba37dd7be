import type { Models } from '../../src/db/models';
import type { ServiceRequestDoc } from '../../src/service-requests/model';
import type { Wire } from '../../src/db/record';
import { saveSnapshot } from '../records';

/** A service request as its workflow stores it: the record's fields, with its id. */
export type ServiceRequestSnapshot = Wire<Omit<ServiceRequestDoc, '_id'>> & { serviceRequestId: string };

export function createServiceRequestActivities({ models }: { models: Models }) {
  return {
    /** Stores the request's snapshot, whole history included, ordered by its revision (a retry or an older revision changes nothing). */
    async saveServiceRequest({ serviceRequestId, ...fields }: ServiceRequestSnapshot): Promise<void> {
      await saveSnapshot(models.ServiceRequest, serviceRequestId, fields);
    },
  };
}

export type ServiceRequestActivities = ReturnType<typeof createServiceRequestActivities>;
