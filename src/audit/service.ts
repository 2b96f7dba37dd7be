import type { ServiceDeps } from '../service-deps';
import { pageById, type PageRequest } from '../db/pagination';

export function createAuditService({ models }: Pick<ServiceDeps, 'models'>) {
  return {
    /** The partner's audit log, newest first, optionally of one action. */
    list(partnerId: string, filter: { action?: string }, page: PageRequest) {
      const query = { partnerId, ...(filter.action ? { action: filter.action } : {}) };
      return pageById(models.AuditEvent, query, { ...page, scope: query, order: 'newest-first' });
    },
  };
}
