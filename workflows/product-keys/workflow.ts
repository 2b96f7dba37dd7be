import { proxyActivities, setHandler } from '@temporalio/workflow';
import type { ProductKeyActivities, RegistrationSummary } from '../../activities/product-keys/activities';
import { longPersistenceActivityOptions } from '../activity-options';
import { auditChange } from '../audit';
import { keyRegistrationStateQuery, type KeyRegistrationState } from './messages';
import type { KeyRegistrationInput } from './start';

const { registerProductKeys } = proxyActivities<ProductKeyActivities>(longPersistenceActivityOptions);

/**
 * A bulk registration of product keys: its activity registers the lines a chunk at a time and
 * stores its progress (which the caller polls); a worker that dies mid-way is noticed by the
 * heartbeat, and the next attempt goes on from the last chunk stored.
 */
export async function keyRegistrationWorkflow(input: KeyRegistrationInput): Promise<RegistrationSummary> {
  const state: KeyRegistrationState = { registrationId: input.registrationId, step: 'registering' };
  setHandler(keyRegistrationStateQuery, () => state);
  const summary = await registerProductKeys(input.registrationId);
  Object.assign(state, { step: 'done', summary });
  await auditChange({
    partnerId: input.partnerId,
    actor: input.requested?.actor ?? { kind: 'system', id: 'product-key-registration' },
    requestId: input.requested?.requestId,
    action: 'product-keys.registered',
    target: { kind: 'product-key-registration', id: input.registrationId },
    details: { ...summary },
  });
  return summary;
}
