import type { Connection } from 'mongoose';
import { idempotencyKeySchema } from '../api/idempotency-model';
import { auditEventSchema } from '../audit/model';
import { apiTokenSchema } from '../auth/model';
import { catalogServiceSchema } from '../catalog/model';
import { customerDomainSchema, customerSchema, customerUserSchema } from '../customers/model';
import { invitationSchema, redemptionSchema } from '../invitations/model';
import { customerTokenSchema } from '../customer/model';
import { outboxMessageSchema } from '../outbox/model';
import { subscriptionSchema } from '../subscriptions/model';
import { offerRecipientSchema, offerSchema } from '../offers/model';
import { linkCodeSchema } from '../links/model';
import { relationshipSchema } from '../delegated-admin/model';
import { timelineEventSchema } from '../timeline/model';
import { partnerSchema } from '../partners/model';
import { userSchema } from '../users/model';

/** Every model, bound to one connection (tests give each file its own database). */
export function createModels(connection: Connection) {
  return {
    Partner: connection.model('Partner', partnerSchema),
    User: connection.model('User', userSchema),
    ApiToken: connection.model('ApiToken', apiTokenSchema),
    CatalogService: connection.model('CatalogService', catalogServiceSchema),
    Customer: connection.model('Customer', customerSchema),
    CustomerDomain: connection.model('CustomerDomain', customerDomainSchema),
    CustomerUser: connection.model('CustomerUser', customerUserSchema),
    AuditEvent: connection.model('AuditEvent', auditEventSchema),
    IdempotencyKey: connection.model('IdempotencyKey', idempotencyKeySchema),
    Invitation: connection.model('Invitation', invitationSchema),
    Redemption: connection.model('Redemption', redemptionSchema),
    CustomerToken: connection.model('CustomerToken', customerTokenSchema),
    Subscription: connection.model('Subscription', subscriptionSchema),
    TimelineEvent: connection.model('TimelineEvent', timelineEventSchema),
    OutboxMessage: connection.model('OutboxMessage', outboxMessageSchema),
    Offer: connection.model('Offer', offerSchema),
    OfferRecipient: connection.model('OfferRecipient', offerRecipientSchema),
    Relationship: connection.model('Relationship', relationshipSchema),
    LinkCode: connection.model('LinkCode', linkCodeSchema),
  };
}

export type Models = ReturnType<typeof createModels>;
