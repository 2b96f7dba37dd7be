import { ParentClosePolicy, proxyActivities, startChild } from '@temporalio/workflow';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import type { CustomerActivities, RegisteredCustomer } from '../../activities/customers/activities';
import type { InvitationActivities } from '../../activities/invitations/activities';
import type { OfferActivities } from '../../activities/offers/activities';
import { persistenceActivityOptions } from '../activity-options';
import { isoNow } from '../clock';
import { onboardingStart } from './start';
import type { AcceptingCustomer, OnboardingInput } from './types';
import { onboardingWorkflow } from './workflow';

const { registerCustomer } = proxyActivities<CustomerActivities>(persistenceActivityOptions);
const { checkPartnerMayInvite } = proxyActivities<InvitationActivities>(persistenceActivityOptions);

/**
 * Buys through the customer's onboarding, which may be busy: room to wait (it is idempotent per
 * purchase), and a heartbeat, so that a killed worker's purchase is tried again in seconds.
 */
export const { purchaseThroughOnboarding } = proxyActivities<OfferActivities>({
  ...persistenceActivityOptions,
  startToCloseTimeout: '2 minutes',
  heartbeatTimeout: '10 seconds',
});

/**
 * Makes a customer the partner's, from the workflow a customer (or the partner, for it) came
 * through: the partner may still sell (subscription advisor); the tenant is registered (a new
 * one, or an existing one of the partner's cloud); its onboarding starts and outlives the caller.
 * A customer onboarding with the partner already keeps that onboarding (`started` false).
 */
export async function onboardCustomer(
  partnerId: string,
  who: AcceptingCustomer,
  how: Omit<OnboardingInput, 'partnerId' | 'customerId' | 'customer'>,
): Promise<{ customer: RegisteredCustomer; workflowId: string; started: boolean }> {
  const { cloud } = await checkPartnerMayInvite(partnerId);
  const c = await registerCustomer({ ...who, cloud, at: isoNow() });
  const onboarding = onboardingStart({
    partnerId,
    customerId: c.customerId,
    customer: { name: c.name, domain: c.domain, cloud, contactEmail: c.contactEmail, contactName: c.contactName },
    ...how,
  });
  try {
    await startChild(onboardingWorkflow, { ...onboarding, parentClosePolicy: ParentClosePolicy.ABANDON });
  } catch (err) {
    if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
    return { customer: c, workflowId: onboarding.workflowId, started: false };
  }
  return { customer: c, workflowId: onboarding.workflowId, started: true };
}
