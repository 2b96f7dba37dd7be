import { z } from 'zod';
import { DAY_S as DAY } from '../../workflows/durations';
import { cursor, email, id, pageLimit } from '../api/schemas';
import { sku } from '../catalog/schemas';
import { INVITATION_STATUSES } from '../../workflows/invitations/types';
import { delegatedAdminOptionSchema } from '../delegated-admin/schemas';

export const invitationParams = z.strictObject({ invitationId: id('an invitation id') });

const recipients = z.array(email).min(1).max(500).meta({
  description: 'E-mail the link to these addresses (1 to 500; each gets one e-mail from this invitation, however often asked). Or publish the link yourself.',
});

export const createInvitationSchema = z.strictObject({
  sku: sku.meta({ description: 'The catalog SKU of the one trial subscription the invitation holds' }),
  expiresInSeconds: z
    .number()
    .int()
    .min(1)
    .max(365 * DAY)
    .default(30 * DAY)
    .meta({ description: 'How long the link stays usable (default 30 days)' }),
  trial: z
    .strictObject({
      lengthSeconds: z
        .number()
        .int()
        .min(1)
        .max(365 * DAY)
        .optional()
        .meta({ description: "The trial's length; default: the catalog's (typically 30 days)" }),
      licenses: z.number().int().min(1).max(100_000).optional().meta({ description: "Licenses of the trial; default: the catalog's" }),
      reminderOffsetsSeconds: z
        .array(
          z
            .number()
            .int()
            .min(1)
            .max(365 * DAY),
        )
        .max(5)
        .optional()
        .meta({ description: 'Reminders this long before the trial ends; default 7 days and 1 day' }),
      gracePeriodSeconds: z
        .number()
        .int()
        .min(1)
        .max(365 * DAY)
        .optional()
        .meta({ description: 'How long a suspended trial is kept before removal; default 30 days' }),
    })
    .default({})
    .meta({ description: 'Durations are data: each customer who accepts gets this trial' }),
  delegatedAdmin: delegatedAdminOptionSchema.optional(),
  recipients: recipients.optional(),
});

export const inviteRecipientsSchema = z.strictObject({ recipients });

export const listInvitationsQuery = z.strictObject({ limit: pageLimit, cursor, status: z.enum(INVITATION_STATUSES).optional() });

export const invitationOut = z.object({
  id: z.string(),
  partnerId: z.string(),
  sku: z.string(),
  status: z.enum(INVITATION_STATUSES),
  url: z.string().meta({ description: 'The link customers open; its code is unguessable' }),
  createdBy: z.string(),
  createdAt: z.string(),
  expiresAt: z.string(),
  revokedAt: z.string().optional(),
  revokedBy: z.string().optional(),
  expiredAt: z.string().optional(),
  declines: z.number().int().meta({ description: 'Visitors who declined it through its link' }),
  invited: z.number().int().meta({ description: 'E-mails of the link asked for (an address asked for again is not e-mailed again)' }),
  workflowId: z.string(),
});

export const pendingInvitationOut = z.object({ id: z.string(), status: z.literal('pending'), workflowId: z.string() });

export const redemptionOut = z.object({
  customerId: z.string(),
  acceptedAt: z.string(),
  onboardingWorkflowId: z.string(),
  customer: z
    .object({ name: z.string(), domain: z.string(), status: z.string(), stage: z.string() })
    .optional()
    .meta({ description: "Where the customer now stands (absent for a moment while the partner's directory catches up)" }),
});
