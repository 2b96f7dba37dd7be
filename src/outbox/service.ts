import type { ServiceDeps } from '../service-deps';
import { pageById, type PageRequest } from '../db/pagination';

export function createOutboxService({ models }: Pick<ServiceDeps, 'models'>) {
  return {
    /** The e-mails recorded (and, with SMTP, sent) for the partner, newest first, optionally about one customer. */
    list(partnerId: string, filter: { customerId?: string }, page: PageRequest) {
      const query = { partnerId, ...(filter.customerId ? { customerId: filter.customerId } : {}) };
      return pageById(models.OutboxMessage, query, { ...page, scope: query, order: 'newest-first' });
    },
  };
}
