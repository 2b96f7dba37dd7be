import type { Models } from '../db/models';
import type { ServiceRequestSeverity } from '../../workflows/service-requests/types';

/** A customer's service requests with a partner that are not closed, by severity. */
export async function openRequestCounts(models: Models, partnerId: string, customerId: string): Promise<Record<ServiceRequestSeverity, number>> {
  const open = await models.ServiceRequest.find({ partnerId, customerId, status: { $ne: 'closed' } }, { severity: 1 }).lean();
  const counts = { critical: 0, moderate: 0, minimal: 0 };
  for (const r of open) counts[r.severity]++;
  return counts;
}
