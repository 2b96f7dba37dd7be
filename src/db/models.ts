import type { Connection, Model, Schema } from 'mongoose';
import { auditEventSchema } from '../audit/model';
import { apiTokenSchema, customerTokenSchema } from '../auth/model';
import { catalogServiceSchema } from '../catalog/model';
import { customerUserSchema } from '../customer-users/model';
import { customerDomainSchema, customerSchema } from '../customers/model';
import { relationshipSchema } from '../delegated-admin/model';
import { eventSchema } from '../events/model';
import { funnelMonthMembersSchema, funnelMonthSchema } from '../funnel/model';
import { idempotencyKeySchema } from '../idempotency/model';
import { invitationSchema, redemptionSchema } from '../invitations/model';
import { linkCodeSchema } from '../links/model';
import { offerRecipientSchema, offerSchema } from '../offers/model';
import { timelineEventSchema } from '../onboarding/model';
import { outboxMessageSchema } from '../outbox/model';
import { partnerSchema } from '../partners/model';
import { partnerOfRecordRequestSchema } from '../partner-of-record/model';
import { keyRegistrationLinesSchema, keyRegistrationSchema, productKeySchema } from '../product-keys/model';
import { serviceRequestSchema } from '../service-requests/model';
import { subscriptionSchema } from '../subscriptions/model';
import { userSchema } from '../users/model';
import { webhookAttemptSchema, webhookDeliverySchema, webhookEndpointSchema } from '../webhooks/model';

/** Every model, bound to one connection (tests give each file its own database). */
export function createModels(connection: Connection) {
  const model = <R>(name: string, schema: Schema<R>): Model<R> => connection.model<R>(name, schema);
  return {
    Partner: model('Partner', partnerSchema),
    User: model('User', userSchema),
    ApiToken: model('ApiToken', apiTokenSchema),
    CatalogService: model('CatalogService', catalogServiceSchema),
    Customer: model('Customer', customerSchema),
    CustomerDomain: model('CustomerDomain', customerDomainSchema),
    CustomerUser: model('CustomerUser', customerUserSchema),
    AuditEvent: model('AuditEvent', auditEventSchema),
    IdempotencyKey: model('IdempotencyKey', idempotencyKeySchema),
    Invitation: model('Invitation', invitationSchema),
    Redemption: model('Redemption', redemptionSchema),
    CustomerToken: model('CustomerToken', customerTokenSchema),
    Subscription: model('Subscription', subscriptionSchema),
    TimelineEvent: model('TimelineEvent', timelineEventSchema),
    OutboxMessage: model('OutboxMessage', outboxMessageSchema),
    Offer: model('Offer', offerSchema),
    OfferRecipient: model('OfferRecipient', offerRecipientSchema),
    Relationship: model('Relationship', relationshipSchema),
    LinkCode: model('LinkCode', linkCodeSchema),
    FunnelMonth: model('FunnelMonth', funnelMonthSchema),
    FunnelMonthMembers: model('FunnelMonthMembers', funnelMonthMembersSchema),
    ServiceRequest: model('ServiceRequest', serviceRequestSchema),
    ProductKey: model('ProductKey', productKeySchema),
    KeyRegistration: model('KeyRegistration', keyRegistrationSchema),
    KeyRegistrationLines: model('KeyRegistrationLines', keyRegistrationLinesSchema),
    Event: model('Event', eventSchema),
    PartnerOfRecordRequest: model('PartnerOfRecordRequest', partnerOfRecordRequestSchema),
    WebhookEndpoint: model('WebhookEndpoint', webhookEndpointSchema),
    WebhookDelivery: model('WebhookDelivery', webhookDeliverySchema),
    WebhookAttempt: model('WebhookAttempt', webhookAttemptSchema),
  };
}

export type Models = ReturnType<typeof createModels>;
