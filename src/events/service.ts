import { findOwned } from '../db/owned';
import { pageById, type Page, type PageRequest } from '../db/pagination';
import { notFound } from '../errors';
import type { ServiceDeps } from '../service-deps';
import type { EventType } from '../../workflows/events/types';
import type { EventDoc } from './model';

/** The partner's lifecycle events, as its webhooks deliver them: to catch up on, or to replay one by id. */
export function createEventService({ models }: Pick<ServiceDeps, 'models'>) {
  return {
    list(partnerId: string, filter: { type?: EventType }, page: PageRequest): Promise<Page<EventDoc>> {
      return pageById(
        models.Event,
        { partnerId, ...(filter.type ? { type: filter.type } : {}) },
        { ...page, scope: { partnerId, ...filter }, order: 'newest-first' },
      );
    },

    async get(partnerId: string, eventId: string): Promise<EventDoc> {
      const event = await findOwned(models.Event, eventId, { partnerId });
      if (!event) throw notFound(`event ${eventId}`);
      return event;
    },
  };
}
