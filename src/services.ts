import { createAuditService } from './audit/service';
import { createCatalogService } from './catalog/service';
import { createCustomerUserService } from './customer-users/service';
import { createCustomerService } from './customers/service';
import { createDelegatedAdminService } from './delegated-admin/service';
import { createEventService } from './events/service';
import { createFunnelService } from './funnel/service';
import { createInvitationService } from './invitations/service';
import { createLinkService } from './links/service';
import { createOfferService } from './offers/service';
import { createOnboardingService } from './onboarding/service';
import { createOutboxService } from './outbox/service';
import { createPartnerService } from './partners/service';
import { createPartnerOfRecordService } from './partner-of-record/service';
import { createProductKeyService } from './product-keys/service';
import { createServiceRequestService } from './service-requests/service';
import { createSubscriptionService } from './subscriptions/service';
import type { ServiceDeps } from './service-deps';
import { createUserService } from './users/service';
import { createWebhookService } from './webhooks/service';

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
  const delegatedAdmin = createDelegatedAdminService(deps, { customers, partners });
  return {
    audit: createAuditService(deps),
    catalog,
    customers,
    customerUsers: createCustomerUserService(deps, { delegatedAdmin }),
    delegatedAdmin,
    events: createEventService(deps),
    funnel: createFunnelService(deps),
    invitations: createInvitationService(deps, { catalog, links, partners, customers }),
    links,
    offers: createOfferService(deps, { catalog, links, partners, customers, onboarding }),
    onboarding,
    outbox: createOutboxService(deps),
    partners,
    partnerOfRecord: createPartnerOfRecordService(deps),
    productKeys: createProductKeyService(deps, { catalog, customers }),
    serviceRequests: createServiceRequestService(deps, { customers, delegatedAdmin }),
    subscriptions: createSubscriptionService(deps, { customers, delegatedAdmin }),
    users: createUserService(deps),
    webhooks: createWebhookService(deps),
  };
}

export type Services = ReturnType<typeof createServices>;
