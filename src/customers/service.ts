import type { CustomerDoc } from './model';
import { decodeCursor, encodeCursor, type Page, type PageRequest } from '../db/pagination';
import { notFound } from '../errors';
import type { OnboardingService } from '../onboarding/service';
import type { PartnerDoc } from '../partners/model';
import type { ServiceDeps } from '../service-deps';
import type { PartnerCustomer } from './directory/model';
import type { SearchFilter } from './directory/directory';

/**
 * A partner's customers (its directory: list and search), and a customer
 * tenant's own record.
 */
export function createCustomerService({ models, directory }: Pick<ServiceDeps, 'models' | 'directory'>, { onboarding }: { onboarding: OnboardingService }) {
  return {
    /** The partner's customers, newest first, matching the filter; the cursor keeps its place while customers arrive. */
    async search(partnerId: string, filter: SearchFilter, page: PageRequest): Promise<Page<PartnerCustomer>> {
      const scope = { partner: partnerId, ...filter };
      const before = decodeCursor<number>(page.cursor, scope, 'number');
      const result = await directory.search(partnerId, filter, page.limit, before);
      return { items: result.items, nextCursor: result.next === undefined ? undefined : encodeCursor(result.next, scope) };
    },

    async get(partnerId: string, customerId: string): Promise<PartnerCustomer> {
      const c = await directory.get(partnerId, customerId);
      if (!c) throw notFound(`customer ${customerId}`);
      return c;
    },

    /** Where a customer of the partner now stands (undefined for a moment while the directory catches up). */
    find: (partnerId: string, customerId: string): Promise<PartnerCustomer | null> => directory.get(partnerId, customerId),

    /**
     * Not found unless `customerId` is a customer of the partner: in its directory,
     * or onboarding with it (the directory may lag a moment behind a new customer).
     */
    async requireCustomerOf(partnerId: string, customerId: string): Promise<void> {
      if (await directory.get(partnerId, customerId)) return;
      if (!(await onboarding.status(partnerId, customerId))) throw notFound(`customer ${customerId}`);
    },

    /** The customer tenant's own record. */
    async tenant(customerId: string): Promise<CustomerDoc> {
      const tenant = await models.Customer.findById(customerId).lean();
      if (!tenant) throw notFound(`customer ${customerId}`);
      return tenant;
    },

    /** The partners the customer works with (partners of record of its subscriptions). */
    async partnersOf(customerId: string): Promise<PartnerDoc[]> {
      const partnerIds = [...new Set((await models.Subscription.find({ customerId }, { partnerId: 1 }).lean()).map((s) => s.partnerId))];
      return models.Partner.find({ _id: { $in: partnerIds } }).lean();
    },
  };
}

export type CustomerService = ReturnType<typeof createCustomerService>;
