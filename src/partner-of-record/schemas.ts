import { z } from 'zod';
import { id } from '../api/schemas';
import { DAY_S } from '../../workflows/durations';
import { PARTNER_OF_RECORD_REQUEST_STATUSES } from '../../workflows/subscriptions/types';

export const partnerOfRecordChangeSchema = z.strictObject({
  partnerId: id('a partner id').meta({ description: 'The partner (of the customer’s cloud, a subscription advisor) asked to become the partner of record' }),
  answerWithinSeconds: z
    .number()
    .int()
    .min(1)
    .max(365 * DAY_S)
    .optional()
    .meta({ description: 'How long the asked partner has to answer before the request lapses (default 30 days)' }),
});

export const partnerOfRecordRequestParams = z.strictObject({ requestId: id('a partner-of-record request id') });

export const partnerOfRecordRequestsQuery = z.strictObject({
  status: z.enum(PARTNER_OF_RECORD_REQUEST_STATUSES).optional().meta({ description: 'Only requests in this state (e.g. `pending`)' }),
});
