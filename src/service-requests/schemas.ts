import { z } from 'zod';
import { DAY_S as DAY } from '../../workflows/durations';
import { SERVICE_REQUEST_SEVERITIES, SERVICE_REQUEST_STATUSES } from '../../workflows/service-requests/types';
import { cursor, id, pageLimit, paragraphs, text } from '../api/schemas';

export const serviceRequestParams = z.strictObject({ serviceRequestId: id('a service request id') });

const status = z.enum(SERVICE_REQUEST_STATUSES);
const severity = z.enum(SERVICE_REQUEST_SEVERITIES);

const openFields = {
  title: text(200).meta({ description: 'What it is about, in a line' }),
  description: paragraphs(10_000).meta({ description: 'What happened, what is needed' }),
  severity: severity.meta({ description: 'critical, moderate or minimal' }),
  attentionReminderSeconds: z
    .number()
    .int()
    .min(1)
    .max(365 * DAY)
    .optional()
    .meta({ description: "Remind the partner once the request has needed attention this long (default: the service's, 2 days unless configured)" }),
};

/** A partner user opens a request for its customer. */
export const openServiceRequestSchema = z.strictObject(openFields).meta({ description: 'A service request to open' });

/** The customer opens one with one of its partners. */
export const openOwnServiceRequestSchema = z
  .strictObject({
    ...openFields,
    partnerId: id('a partner id').optional().meta({ description: 'The partner asked for help; may be left out when the customer works with only one' }),
  })
  .meta({ description: 'A service request to open with a partner' });

export const serviceRequestNoteSchema = z.strictObject({ text: paragraphs(10_000).meta({ description: 'The note' }) });

export const serviceRequestStatusSchema = z.strictObject({
  status: status.meta({ description: 'open, attention-needed (the partner is reminded when it stays so) or closed (final)' }),
});

const listFilters = { status: status.optional(), severity: severity.optional(), limit: pageLimit, cursor };

export const listServiceRequestsQuery = z.strictObject(listFilters);

export const listPartnerServiceRequestsQuery = z.strictObject({ ...listFilters, customerId: id('a customer id').optional() });

const party = z.object({
  kind: z.enum(['customer', 'partner-user', 'system']),
  id: z.string(),
  relationshipId: z.string().optional().meta({ description: 'The delegated-admin relationship a partner user acted under' }),
});

export const serviceRequestSummaryOut = z.object({
  id: z.string(),
  partnerId: z.string(),
  customerId: z.string(),
  title: z.string(),
  severity,
  status,
  openedBy: party,
  openedAt: z.string(),
  updatedAt: z.string(),
  closedAt: z.string().optional(),
  notes: z.number().int().meta({ description: 'How many notes it has' }),
  workflowId: z.string(),
});

export const serviceRequestOut = serviceRequestSummaryOut.extend({
  description: z.string(),
  notes: z.array(z.object({ n: z.number().int(), by: party, text: z.string(), at: z.string() })),
  history: z.array(
    z.object({
      n: z.number().int(),
      at: z.string(),
      by: party,
      change: z.object({
        kind: z.enum(['opened', 'note', 'status', 'reminder']),
        note: z.number().int().optional(),
        from: status.optional(),
        to: status.optional(),
      }),
    }),
  ),
});
