import { ApplicationFailure, Context } from '@temporalio/activity';
import type { Client } from '@temporalio/client';
import type { Models } from '../../src/db/models';
import { presentEvent } from '../../src/events/present';
import { webhookHeaders } from '../../src/webhooks/signature';
import { webhookUrlProblem } from '../../src/webhooks/url';
import { WEBHOOK_NOT_TAKEN, WebhookFailure } from '../../workflows/webhooks/failures';
import { createOutboxActivities } from '../outbox/activities';
import type { Mailer } from '../../src/outbox/mailer';
import { insertRecordOnce } from '../records';
import { postWebhook } from './post';
import type { WebhookSettings } from './settings';

interface Deps {
  models: Models;
  temporal: Client;
  taskQueue: string;
  mailer?: Mailer;
  webhooks?: WebhookSettings;
}

export function createWebhookActivities(deps: Deps) {
  const { models } = deps;
  const settings = () => {
    if (!deps.webhooks) throw ApplicationFailure.nonRetryable('this worker has no webhook settings (OFFERFLOW_SECRET_KEY)', 'WebhooksNotConfigured');
    return deps.webhooks;
  };
  const sendEmail = createOutboxActivities(deps).sendEmail;

  return {
    /** One try of a delivery: signed with the endpoint's secret, logged, and failed (to be tried again) unless answered 2xx, which closes it. */
    async sendWebhook(deliveryId: string, timeoutMs: number): Promise<void> {
      const { secrets, allowPrivateUrls } = settings();
      const attempt = Context.current().info.attempt;
      const delivery = await models.WebhookDelivery.findById(deliveryId).lean();
      const endpoint = delivery && (await models.WebhookEndpoint.findById(delivery.endpointId).lean());
      if (!delivery || !endpoint || endpoint.status !== 'enabled') {
        throw ApplicationFailure.nonRetryable(
          `webhook endpoint ${delivery?.endpointId ?? '?'} was ${endpoint ? 'disabled' : 'deleted'}`,
          WebhookFailure.EndpointGone,
        );
      }
      const event = await models.Event.findById(delivery.eventId).lean();
      if (!event) throw new Error(`event ${delivery.eventId} of delivery ${deliveryId} is not stored`);
      const attemptId = `${deliveryId}#${attempt}`;
      const record = async (outcome: 'delivered' | 'failed', r: { status?: number; error?: string; latencyMs?: number }) => {
        await models.WebhookAttempt.updateOne({ _id: attemptId }, { $set: { outcome, ...r } });
        await models.WebhookDelivery.updateOne(
          { _id: deliveryId },
          {
            $set: {
              attempts: attempt,
              ...(r.status ? { lastStatus: r.status } : {}),
              ...(r.error ? { lastError: r.error } : {}),
              ...(outcome === 'delivered' ? { state: 'delivered', finishedAt: new Date() } : {}),
            },
          },
        );
      };
      await insertRecordOnce(models.WebhookAttempt, { _id: attemptId, deliveryId, endpointId: endpoint._id, attempt, at: new Date(), outcome: 'sending' });
      const refused = webhookUrlProblem(endpoint.url, { allowPrivate: allowPrivateUrls });
      if (refused) {
        await record('failed', { error: `the URL ${refused}` });
        throw ApplicationFailure.nonRetryable(`the URL ${refused}`, WebhookFailure.UrlRefused);
      }
      const body = JSON.stringify(presentEvent(event));
      let secret: string;
      try {
        secret = secrets.open(endpoint.sealedSecret);
      } catch {
        // an operator's mistake (another key than the one that sealed it), mended by setting it back: tried again meanwhile
        const error = 'the endpoint secret cannot be opened: this worker has another OFFERFLOW_SECRET_KEY than the API that sealed it';
        await record('failed', { error });
        throw ApplicationFailure.retryable(error, WEBHOOK_NOT_TAKEN);
      }
      const headers = webhookHeaders(secret, event._id, Math.floor(Date.now() / 1000), body);
      const result = await postWebhook(endpoint.url, headers, body, { timeoutMs, allowPrivate: allowPrivateUrls });
      const taken = result.status !== undefined && result.status >= 200 && result.status < 300;
      const error = taken ? undefined : (result.error ?? `the receiver answered ${result.status}`);
      await record(taken ? 'delivered' : 'failed', { status: result.status, error, latencyMs: result.latencyMs });
      if (!taken) throw ApplicationFailure.retryable(error, WEBHOOK_NOT_TAKEN);
    },

    /**
     * Closes a delivery that was not taken (a taken try closes its own). A failed one that ends a run of
     * failed deliveries (every one of the endpoint's last `disableAfterFailedDeliveries`) disables the
     * endpoint, and the partner is e-mailed why.
     */
    async finishWebhookDelivery(deliveryId: string, outcome: 'failed' | 'skipped', reason?: string): Promise<void> {
      // Read, then written by `_id` alone (FerretDB reads the whole collection for any other filter);
      // once its tries are over, the delivery's workflow is its one writer.
      const stored = await models.WebhookDelivery.findById(deliveryId).lean();
      if (!stored) return; // its endpoint was deleted, and its log with it
      // (the last try's error says more than a time-out of the whole: it stays)
      const delivery = { ...stored, lastError: stored.lastError ?? reason };
      if (stored.state === 'pending') {
        await models.WebhookDelivery.updateOne(
          { _id: deliveryId },
          { $set: { state: outcome, finishedAt: new Date(), ...(delivery.lastError ? { lastError: delivery.lastError } : {}) } },
        );
      }
      if (outcome !== 'failed') return;
      const { disableAfterFailedDeliveries: n } = settings();
      // (a run counts from the endpoint's last enabling: one enabled again starts afresh)
      const enabledAt = (await models.WebhookEndpoint.findById(delivery.endpointId, { enabledAt: 1 }).lean())?.enabledAt;
      const lastFinished = await models.WebhookDelivery.find(
        { endpointId: delivery.endpointId, state: { $in: ['delivered', 'failed'] }, ...(enabledAt ? { finishedAt: { $gt: enabledAt } } : {}) },
        { state: 1 },
      )
        .sort({ finishedAt: -1 })
        .limit(n)
        .lean();
      if (lastFinished.length === n && lastFinished.every((d) => d.state === 'failed')) {
        await models.WebhookEndpoint.updateOne(
          { _id: delivery.endpointId, status: 'enabled' },
          {
            $set: {
              status: 'disabled',
              disabledAt: new Date(),
              disabledBy: deliveryId,
              disabledReason: `the last ${n} deliveries failed, each after its retries ran out (the last: ${delivery.lastError ?? 'no answer'})`,
              updatedAt: new Date(),
            },
          },
        );
      }
      const endpoint = await models.WebhookEndpoint.findById(delivery.endpointId).lean();
      if (!endpoint || endpoint.disabledBy !== deliveryId) return;
      const partner = await models.Partner.findById(endpoint.partnerId, { profile: 1 }).lean();
      if (!partner) return;
      await sendEmail({
        key: `webhook-endpoint-disabled:${deliveryId}`,
        partnerId: endpoint.partnerId,
        to: partner.profile.email,
        subject: `Webhook endpoint disabled: ${endpoint.url}`,
        text: `offerflow stopped sending events to ${endpoint.url} (endpoint ${endpoint._id}): ${endpoint.disabledReason}. Events from now on are not sent to it. Once the receiver works again, enable the endpoint (PATCH /v1/webhook-endpoints/${endpoint._id} with {"enabled": true}) and replay the events it missed by id (POST /v1/webhook-endpoints/${endpoint._id}/replays).`,
        kind: 'webhook-endpoint-disabled',
        at: new Date().toISOString(),
      });
    },
  };
}

export type WebhookActivities = ReturnType<typeof createWebhookActivities>;
