import { CustomerId, LifecycleStage, PartnerId } from '../search-attributes';
import { Stage } from '../stages';
import type { StartOptions } from '../start-options';
import type { ServiceRequestInput, ServiceRequestStatus } from './types';

/** One workflow per service request, for its whole life (its runs continue as new). */
export const serviceRequestWorkflowId = (serviceRequestId: string): string => `service-request:${serviceRequestId}`;

export const serviceRequestStage: Record<ServiceRequestStatus, Stage> = {
  open: Stage.ServiceRequestOpen,
  'attention-needed': Stage.ServiceRequestAttentionNeeded,
  closed: Stage.ServiceRequestClosed,
};

/** A service request, opened by its customer or by a partner user under delegated administration. */
export function serviceRequestStart(input: ServiceRequestInput): StartOptions<[ServiceRequestInput]> {
  return {
    workflowId: serviceRequestWorkflowId(input.serviceRequestId),
    args: [input],
    typedSearchAttributes: [
      { key: PartnerId, value: input.partnerId },
      { key: CustomerId, value: input.customerId },
      { key: LifecycleStage, value: serviceRequestStage[input.carried?.state.status ?? 'open'] },
    ],
  };
}
