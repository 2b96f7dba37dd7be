import type { z } from 'zod';
import type { PartnerPrincipal } from '../auth/principal';
import { insertOnce } from '../db/duplicate-key';
import { findOwned } from '../db/owned';
import { pageById, type Page, type PageRequest } from '../db/pagination';
import { DomainError, notFound } from '../errors';
import { idFor, type RequestScope } from '../request-scope';
import type { ServiceDeps } from '../service-deps';
import { callWorkflow } from '../temporal/failures';
import type { DeliveryPolicy } from '../../workflows/webhooks/start';
import { startDelivery } from './deliveries';
import type { DeliveryState, WebhookAttemptDoc, WebhookDeliveryDoc, WebhookEndpointDoc } from './model';
import type { createEndpointSchema, updateEndpointSchema } from './schemas';
import type { SecretBox } from './secret-box';
import { newWebhookSecret } from './signature';
import { webhookUrlProblem } from './url';

/** What the API needs to manage webhooks: the key that seals their secrets, the URL rule, the delivery policy of replays. */
export interface WebhookServiceSettings {
  secrets: SecretBox;
  allowPrivateUrls: boolean;
  policy: DeliveryPolicy;
}

export type DeliveryWithAttempts = { delivery: WebhookDeliveryDoc; attempts: WebhookAttemptDoc[] };

/** A partner's webhook endpoints (global admins only), their delivery logs, and replays of one event by id. */
export function createWebhookService({ models, temporal, taskQueue, webhooks }: Pick<ServiceDeps, 'models' | 'temporal' | 'taskQueue' | 'webhooks'>) {
  const checkUrl = (url: string) => {
    const problem = webhookUrlProblem(url, { allowPrivate: webhooks.allowPrivateUrls });
    if (problem) throw new DomainError('webhook-url-not-allowed', `the webhook URL ${problem}`, { url });
  };
  const owned = async (partnerId: string, endpointId: string) => {
    const endpoint = await findOwned(models.WebhookEndpoint, endpointId, { partnerId });
    if (!endpoint) throw notFound(`webhook endpoint ${endpointId}`);
    return endpoint;
  };
  const withAttempts = async (deliveries: WebhookDeliveryDoc[]): Promise<DeliveryWithAttempts[]> => {
    const attempts = deliveries.length === 0 ? [] : await models.WebhookAttempt.find({ deliveryId: { $in: deliveries.map((d) => d._id) } }).lean();
    return deliveries.map((delivery) => ({ delivery, attempts: attempts.filter((a) => a.deliveryId === delivery._id) }));
  };

  return {
    /** A new endpoint and its signing secret, shown this once (a retry of the request shows the same one). */
    async create(
      principal: PartnerPrincipal,
      input: z.output<typeof createEndpointSchema>,
      request: RequestScope,
    ): Promise<{ endpoint: WebhookEndpointDoc; secret: string }> {
      checkUrl(input.url);
      const box = webhooks.secrets;
      const id = idFor(request, 'whe');
      const secret = newWebhookSecret();
      const made = await insertOnce(models.WebhookEndpoint, {
        _id: id,
        partnerId: principal.partner._id,
        url: input.url,
        eventTypes: input.eventTypes,
        description: input.description,
        sealedSecret: box.seal(secret),
        status: 'enabled',
        createdBy: principal.user._id,
        createdAt: request.at,
        updatedAt: request.at,
      });
      const endpoint = await owned(principal.partner._id, id);
      if (made)
        await request.audit({
          action: 'webhook-endpoint.created',
          target: { kind: 'webhook-endpoint', id },
          details: { url: input.url, eventTypes: input.eventTypes },
        });
      return { endpoint, secret: made ? secret : box.open(endpoint.sealedSecret) };
    },

    list(partnerId: string, page: PageRequest): Promise<Page<WebhookEndpointDoc>> {
      return pageById(models.WebhookEndpoint, { partnerId }, { ...page, scope: { partnerId, list: 'webhook-endpoints' }, order: 'oldest-first' });
    },

    get: owned,

    async update(partnerId: string, endpointId: string, input: z.output<typeof updateEndpointSchema>, request: RequestScope): Promise<WebhookEndpointDoc> {
      const endpoint = await owned(partnerId, endpointId);
      if (input.url !== undefined) checkUrl(input.url);
      const set: Partial<WebhookEndpointDoc> = { updatedAt: new Date() };
      if (input.url !== undefined) set.url = input.url;
      if (input.eventTypes !== undefined) set.eventTypes = input.eventTypes;
      if (input.description !== undefined) set.description = input.description;
      const unset: Record<string, 1> = {};
      if (input.enabled === true && endpoint.status !== 'enabled') {
        set.status = 'enabled';
        set.enabledAt = new Date();
        Object.assign(unset, { disabledReason: 1, disabledAt: 1, disabledBy: 1 });
      }
      if (input.enabled === false && endpoint.status !== 'disabled') {
        Object.assign(set, { status: 'disabled', disabledAt: new Date(), disabledReason: `disabled by ${request.actor.kind} ${request.actor.id}` });
      }
      await models.WebhookEndpoint.updateOne(
        { _id: endpointId },
        { $set: set, ...(Object.keys(unset).length ? { $unset: unset } : {}) },
        { runValidators: true },
      );
      await request.audit({ action: 'webhook-endpoint.updated', target: { kind: 'webhook-endpoint', id: endpointId }, details: { ...input } });
      return owned(partnerId, endpointId);
    },

    /** Deletes the endpoint: deliveries under way stop (skipped); its log goes with it. */
    async remove(partnerId: string, endpointId: string, request: RequestScope): Promise<void> {
      await owned(partnerId, endpointId);
      await models.WebhookEndpoint.deleteOne({ _id: endpointId });
      await models.WebhookDelivery.deleteMany({ endpointId });
      await models.WebhookAttempt.deleteMany({ endpointId });
      await request.audit({ action: 'webhook-endpoint.deleted', target: { kind: 'webhook-endpoint', id: endpointId } });
    },

    /** The endpoint's delivery log, newest event first: each delivery with its tries (status, latency, error). */
    async deliveries(
      partnerId: string,
      endpointId: string,
      filter: { state?: DeliveryState; eventId?: string },
      page: PageRequest,
    ): Promise<Page<DeliveryWithAttempts>> {
      await owned(partnerId, endpointId);
      const found = await pageById(
        models.WebhookDelivery,
        { endpointId, ...(filter.state ? { state: filter.state } : {}), ...(filter.eventId ? { eventId: filter.eventId } : {}) },
        { ...page, scope: { partnerId, endpointId, ...filter }, order: 'newest-first' },
      );
      return { items: await withAttempts(found.items), nextCursor: found.nextCursor };
    },

    /** Sends one of the partner's events to the endpoint again (same event id): a delivery of its own, named by the request. */
    async replay(partnerId: string, endpointId: string, eventId: string, request: RequestScope): Promise<DeliveryWithAttempts> {
      const endpoint = await owned(partnerId, endpointId);
      if (endpoint.status !== 'enabled') {
        throw new DomainError(
          'webhook-endpoint-disabled',
          `webhook endpoint ${endpointId} is disabled (${endpoint.disabledReason ?? 'by a user'}): enable it first`,
        );
      }
      const event = await findOwned(models.Event, eventId, { partnerId });
      if (!event) throw notFound(`event ${eventId}`);
      const deliveryId = await callWorkflow(() =>
        startDelivery({ models, temporal, taskQueue }, webhooks.policy, endpoint, event, request.at, idFor(request, 'rpl')),
      );
      await request.audit({ action: 'webhook-event.replayed', target: { kind: 'webhook-endpoint', id: endpointId }, details: { eventId, deliveryId } });
      const started = await models.WebhookDelivery.findById(deliveryId).lean();
      if (!started) throw notFound(`webhook endpoint ${endpointId}`); // deleted meanwhile, its log with it
      const [delivery] = await withAttempts([started]);
      return delivery!;
    },
  };
}

export type WebhookService = ReturnType<typeof createWebhookService>;
