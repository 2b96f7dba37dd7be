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

/** One workflow per product key, run once for its redemption (concurrent redemptions meet in it; a later one finds it redeemed). */
export const keyRedemptionWorkflowId = (key: string): string => `product-key:${key}`;

export function keyRedemptionStart(input: KeyRedemptionInput): StartOptions<[KeyRedemptionInput]> {
  return {
    workflowId: keyRedemptionWorkflowId(input.key),
    args: [input],
    typedSearchAttributes: [{ key: PartnerId, value: input.partnerId }],
  };
}

export interface KeyRedemptionInput {
  key: string;
  partnerId: string;
}

export interface KeyRegistrationInput {
  registrationId: string;
  partnerId: string;
  /** Who registered the keys: the audit entry's actor. */
  requested?: RequestedBy;
}
