import type { Models } from '../db/models';
import { customerOf, partnerUserOf } from './authenticate';
import { parseCustomerToken, parseToken } from '../auth/tokens';
import type { Reply } from './reply';

/** The API tokens (a partner user's `ofp.…` or a customer's `ofc.…`) an answer shows, wherever in its body. */
export function tokensIn(value: unknown): string[] {
  if (typeof value === 'string') return parseToken(value) || parseCustomerToken(value) ? [value] : [];
  if (typeof value !== 'object' || value === null) return [];
  return Object.values(value).flatMap(tokensIn);
}

/**
 * Whether a kept answer may be shown again: only while every token it carries still works.
 * A token revoked or expired since (or its user deactivated) is never shown again.
 */
export async function replayable(models: Models, reply: Reply): Promise<boolean> {
  const works = await Promise.all(tokensIn(reply.body).map(async (t) => (await partnerUserOf(t, models)) ?? (await customerOf(t, models))));
  return works.every(Boolean);
}
