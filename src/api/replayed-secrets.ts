import type { Models } from '../db/models';
import { customerOf, partnerUserOf } from './authenticate';
import { parseCustomerToken, parseToken } from '../auth/tokens';
import type { Reply } from './reply';
import { verifyPassword } from '../customer-users/password';

/** The API tokens (a partner user's `ofp.…` or a customer's `ofc.…`) an answer shows, wherever in its body. */
export function tokensIn(value: unknown): string[] {
  if (typeof value === 'string') return parseToken(value) || parseCustomerToken(value) ? [value] : [];
  if (typeof value !== 'object' || value === null) return [];
  return Object.values(value).flatMap(tokensIn);
}

/** A password reset's answer: the user and the one-time password it was given. */
function oneTimePasswordIn(body: unknown): { userId: string; customerId: string; password: string } | undefined {
  const b = body as { temporaryPassword?: unknown; user?: { id?: unknown; customerId?: unknown } } | null;
  if (typeof b?.temporaryPassword !== 'string' || typeof b.user?.id !== 'string' || typeof b.user.customerId !== 'string') return undefined;
  return { userId: b.user.id, customerId: b.user.customerId, password: b.temporaryPassword };
}

/**
 * Whether a kept answer may be shown again: only while every secret it carries still works.
 * A token revoked or expired since (or its user deactivated), or a one-time password the user
 * has changed (or that was reset again) since, is never shown again.
 */
export async function replayable(models: Models, reply: Reply): Promise<boolean> {
  const works = await Promise.all(tokensIn(reply.body).map(async (t) => !!((await partnerUserOf(t, models)) ?? (await customerOf(t, models)))));
  const otp = oneTimePasswordIn(reply.body);
  if (otp) {
    const user = await models.CustomerUser.findOne({ _id: otp.userId, customerId: otp.customerId }, { passwordHash: 1, mustChangePassword: 1 }).lean();
    works.push(!!user?.mustChangePassword && !!user.passwordHash && (await verifyPassword(otp.password, user.passwordHash)));
  }
  return works.every(Boolean);
}
