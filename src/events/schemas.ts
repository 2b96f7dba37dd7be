import { z } from 'zod';
import { cursor, id, pageLimit } from '../api/schemas';
import { EVENT_TYPES } from '../../workflows/events/types';

export const listEventsQuery = z.strictObject({ type: z.enum(EVENT_TYPES).optional(), limit: pageLimit, cursor });

export const eventParams = z.strictObject({ eventId: id('an event id') });
