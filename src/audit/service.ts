import type { ServiceDeps } from '../service-deps';
import { pageById, type PageRequest } from '../db/pagination';

export function createAuditService({ models }: Pick<ServiceDeps, 'models'>) {
  return {
    /** The partner's audit log, newest first, optionally of one action. */
    list(partnerId: string, filter: { action?: string }, page: PageRequest) {
      const query = { partnerId, ...(filter.action ? { action: filter.action } : {}) };
      return pageById(models.AuditEvent, query, { ...page, scope: query, order: 'newest-first' });
    },

    /** What was done in a customer (by it, or by partner users on its behalf), newest first. */
    ofCustomer(customerId: string, filter: { byPartners?: boolean }, page: PageRequest) {
      const query = { customerId, ...(filter.byPartners ? { 'actor.kind': 'partner-user' } : {}) };
      return pageById(models.AuditEvent, query, { ...page, scope: query, order: 'newest-first' });
    },
  };
}
