import type { CustomerDoc } from './model';
import { decodeCursor, encodeCursor, type Page, type PageRequest } from '../db/pagination';
import { notFound } from '../errors';
import type { OnboardingService } from '../onboarding/service';
import type { PartnerDoc } from '../partners/model';
import type { ServiceDeps } from '../service-deps';
import type { CustomerSort, PartnerCustomer } from './directory/model';
import { hasFacetOrder, type SearchFilter } from './directory/directory';
import { openRequestCounts } from '../service-requests/open-counts';
import type { RelationshipDoc } from '../delegated-admin/model';
import type { SubscriptionDoc } from '../subscriptions/model';

/** A customer's state with the partner at a glance (see GET /v1/customers/{customerId}/summary). */
export interface CustomerSummary {
  customerId: string;
  subscriptions: Array<{ subscription: SubscriptionDoc; used: number }>;
  relationship: RelationshipDoc | null;
  openRequests: { critical: number; moderate: number; minimal: number };
  lastActivityAt: Date | null;
}

/** Relationships still in force or waiting for an answer: the current one, when there is one. */
const OPEN_RELATIONSHIP = new Set(['approval-pending', 'active', 'expiring']);

/**
 * A partner's customers (its directory: list and search), and a customer
 * tenant's own record.
 */
export function createCustomerService({ models, directory }: Pick<ServiceDeps, 'models' | 'directory'>, { onboarding }: { onboarding: OnboardingService }) {
  return {
    /**
     * The partner's customers matching the filter, newest first (the cursor keeps its place while
     * customers arrive), by name or most recent activity first (the cursor keeps its place in the order).
     */
    async search(partnerId: string, filter: SearchFilter, page: PageRequest, sort: CustomerSort = 'newest'): Promise<Page<PartnerCustomer>> {
      const scope = { partner: partnerId, ...filter, ...(sort === 'newest' ? {} : { sort }) };
      if (sort === 'newest' && !hasFacetOrder(filter)) {
        const before = decodeCursor<number>(page.cursor, scope, 'number');
        const result = await directory.search(partnerId, filter, page.limit, before);
        return { items: result.items, nextCursor: result.next === undefined ? undefined : encodeCursor(result.next, scope) };
      }
      const after = decodeCursor<string>(page.cursor, scope, 'string');
      // Newest first with a filter term that has its own order: that order, read as the others are.
      const result =
        sort === 'newest'
          ? await directory.searchFaceted(partnerId, filter, page.limit, after)
          : await directory.searchOrdered(partnerId, sort, filter, page.limit, after);
      return { items: result.items, nextCursor: result.next === undefined ? undefined : encodeCursor(result.next, scope) };
    },

    /**
     * A customer of the partner at a glance: its subscriptions with the partner (licenses
     * bought, assigned to its users, free), the current delegated-admin relationship, open
     * service requests by severity, its last activity. Not found unless it is the partner's.
     */
    async summary(partnerId: string, customerId: string): Promise<CustomerSummary> {
      const listed = await directory.get(partnerId, customerId);
      if (!listed && !(await onboarding.status(partnerId, customerId))) throw notFound(`customer ${customerId}`);
      const [subscriptions, users, relationships, openRequests] = await Promise.all([
        models.Subscription.find({ partnerId, customerId }).lean(),
        models.CustomerUser.find({ customerId }, { assignedSkus: 1 }).lean(),
        models.Relationship.find({ partnerId, customerId }).lean(),
        openRequestCounts(models, partnerId, customerId),
      ]);
      const assigned = new Map<string, number>();
      for (const u of users) for (const sku of new Set(u.assignedSkus ?? [])) assigned.set(sku, (assigned.get(sku) ?? 0) + 1);
      const byRecency = (a: RelationshipDoc, b: RelationshipDoc) => (a.requestedAt < b.requestedAt ? 1 : a.requestedAt > b.requestedAt ? -1 : 0);
      const relationship = [...relationships].sort(byRecency).find((r) => OPEN_RELATIONSHIP.has(r.status)) ?? [...relationships].sort(byRecency)[0] ?? null;
      return {
        customerId,
        subscriptions: [...subscriptions]
          .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || (a._id < b._id ? -1 : 1))
          .map((subscription) => ({ subscription, used: assigned.get(subscription.sku) ?? 0 })),
        relationship,
        openRequests,
        lastActivityAt: listed?.lastActivityAt ?? null,
      };
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
