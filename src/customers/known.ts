import { onboardingWorkflowId } from '../../workflows/onboarding/ids';
import type { ApiDeps } from '../api/deps';
import { notFound } from '../api/problem';

/**
 * 404 unless `customerId` is a customer of the partner: in its directory, or
 * onboarding with it (the directory may lag a moment behind a new customer).
 */
export async function requirePartnersCustomer(deps: Pick<ApiDeps, 'directory' | 'temporal'>, partnerId: string, customerId: string): Promise<void> {
  if (await deps.directory.get(partnerId, customerId)) return;
  const onboarding = await deps.temporal.workflow
    .getHandle(onboardingWorkflowId(partnerId, customerId))
    .describe()
    .catch(() => undefined);
  if (!onboarding) throw notFound(`customer ${customerId}`);
}
