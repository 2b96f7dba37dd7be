import type { Client } from '@temporalio/client';
import { createAuditService } from './audit/service';
import { createCatalogService } from './catalog/service';
import { createCustomerUserService } from './customer-users/service';
import type { CustomerDirectory } from './customers/directory/directory';
import { createCustomerService } from './customers/service';
import type { Models } from './db/models';
import { createDelegatedAdminService } from './delegated-admin/service';
import { createInvitationService } from './invitations/service';
import { createLinkService } from './links/service';
import { createOfferService } from './offers/service';
import { createOnboardingService } from './onboarding/service';
import { createOutboxService } from './outbox/service';
import { createPartnerService } from './partners/service';
import { createSubscriptionService } from './subscriptions/service';
import { createUserService } from './users/service';

/** What the services are built from. */
export interface ServiceDeps {
  models: Models;
  /** The partners' customer directories (read model of list and search). */
  directory: CustomerDirectory;
  temporal: Client;
  taskQueue: string;
  /** Base of customer-facing links, e.g. https://offers.example.com */
  publicUrl: string;
  /** How long a request waits for a workflow to confirm (e.g. the record stored) before answering that it is on its way. */
  updateWaitMs: number;
}

/**
 * One service per domain: the only API-side code that touches the Temporal
 * client, the workflows and the records. Routes call these and nothing else.
 */
export function createServices(deps: ServiceDeps) {
  const catalog = createCatalogService(deps);
  const partners = createPartnerService(deps);
  const links = createLinkService(deps);
  const onboarding = createOnboardingService(deps);
  const customers = createCustomerService(deps, { onboarding });
  const delegatedAdmin = createDelegatedAdminService(deps, { customers });
  return {
    audit: createAuditService(deps),
    catalog,
    customers,
    customerUsers: createCustomerUserService(deps),
    delegatedAdmin,
    invitations: createInvitationService(deps, { catalog, links, partners, customers }),
    links,
    offers: createOfferService(deps, { catalog, links, partners, customers, onboarding }),
    onboarding,
    outbox: createOutboxService(deps),
    partners,
    subscriptions: createSubscriptionService(deps, { customers, delegatedAdmin }),
    users: createUserService(deps),
  };
}

export type Services = ReturnType<typeof createServices>;
