import { z } from 'zod';
import { ID_PATTERN } from '../ids';

const DAY = 86_400;

export const invitationPathSchema = z.strictObject({
  partnerId: z.string().regex(ID_PATTERN, 'must be an id'),
  invitationId: z.string().regex(ID_PATTERN, 'must be an id').optional(),
});

export const createInvitationSchema = z.strictObject({
  /** The catalog SKU of the one trial subscription the invitation holds. */
  sku: z.string().regex(/^[A-Z0-9][A-Z0-9-]{1,63}$/, 'must be a catalog SKU (upper-case letters, digits, dashes)'),
  /** How long the link stays usable; 30 days unless the request says otherwise. */
  expiresInSeconds: z.number().int().min(1).max(365 * DAY).default(30 * DAY),
});

export type CreateInvitationBody = z.infer<typeof createInvitationSchema>;
