import { auditRoutes } from '../audit/routes';
import { catalogRoutes } from '../catalog/routes';
import { customerRoutes } from '../customers/routes';
import { invitationRoutes } from '../invitations/routes';
import { partnerRoutes } from '../partners/routes';
import { userRoutes } from '../users/routes';
import { customerSelfRoutes } from '../customer/routes';
import { linkRoutes } from '../links/routes';
import { outboxRoutes } from '../outbox/routes';
import { offerRoutes } from '../offers/routes';
import { delegatedAdminRoutes } from '../delegated-admin/routes';
import { partnerSubscriptionRoutes } from '../subscriptions/routes';
import type { ApiDeps } from './deps';
import type { AnyRoute } from './route';

/** Every versioned route, by domain: what the app mounts and the OpenAPI document describes. */
export function allRoutes(deps: ApiDeps): AnyRoute[] {
  return [
    ...partnerRoutes(deps),
    ...userRoutes(deps),
    ...catalogRoutes(deps),
    ...customerRoutes(deps),
    ...invitationRoutes(deps),
    ...offerRoutes(deps),
    ...partnerSubscriptionRoutes(deps),
    ...delegatedAdminRoutes(deps),
    ...auditRoutes(deps),
    ...outboxRoutes(deps),
    ...linkRoutes(deps),
    ...customerSelfRoutes(deps),
  ] as AnyRoute[];
}
