import { auditRoutes } from '../audit/routes';
import { catalogRoutes } from '../catalog/routes';
import { customerPortalRoutes } from '../customer-portal/routes';
import { customerRoutes } from '../customers/routes';
import { customerUserRoutes } from '../customer-users/routes';
import { delegatedAdminRoutes } from '../delegated-admin/routes';
import { eventRoutes } from '../events/routes';
import { funnelRoutes } from '../funnel/routes';
import { invitationRoutes } from '../invitations/routes';
import { linkRoutes } from '../links/routes';
import { offerRoutes } from '../offers/routes';
import { outboxRoutes } from '../outbox/routes';
import { partnerRoutes } from '../partners/routes';
import { partnerOfRecordRoutes } from '../partner-of-record/routes';
import { productKeyRoutes } from '../product-keys/routes';
import { serviceRequestRoutes } from '../service-requests/routes';
import type { Services } from '../services';
import { partnerSubscriptionRoutes } from '../subscriptions/routes';
import { userRoutes } from '../users/routes';
import { webhookRoutes } from '../webhooks/routes';
import type { AnyRoute } from './route';

/** Every versioned route, by domain: what the app mounts and the OpenAPI document describes. */
export function allRoutes(services: Services): AnyRoute[] {
  return [
    ...partnerRoutes(services),
    ...userRoutes(services),
    ...catalogRoutes(services),
    ...customerRoutes(services),
    ...funnelRoutes(services),
    ...invitationRoutes(services),
    ...offerRoutes(services),
    ...productKeyRoutes(services),
    ...partnerSubscriptionRoutes(services),
    ...partnerOfRecordRoutes(services),
    ...customerUserRoutes(services),
    ...delegatedAdminRoutes(services),
    ...serviceRequestRoutes(services),
    ...auditRoutes(services),
    ...outboxRoutes(services),
    ...webhookRoutes(services),
    ...eventRoutes(services),
    ...linkRoutes(services),
    ...customerPortalRoutes(services),
  ] as AnyRoute[];
}
