import type { RequestedBy } from '../audit';
import { PartnerId } from '../search-attributes';
import type { StartOptions } from '../start-options';

/** One workflow per bulk registration of product keys (its job). */
export const keyRegistrationWorkflowId = (registrationId: string): string => `product-key-registration:${registrationId}`;

export function keyRegistrationStart(input: KeyRegistrationInput): StartOptions<[KeyRegistrationInput]> {
  const { registrationId, partnerId } = input;
  return {
    workflowId: keyRegistrationWorkflowId(registrationId),
    args: [input],
    typedSearchAttributes: [{ key: PartnerId, value: partnerId }],
  };
}

export interface KeyRegistrationInput {
  registrationId: string;
  partnerId: string;
  /** Who registered the keys: the audit entry's actor. */
  requested?: RequestedBy;
}
