import { ApplicationFailure } from '@temporalio/common';
import { WEBHOOK_NOT_TAKEN, WebhookFailure } from '../../workflows/webhooks/failures';
import { webhookDeliveryStart, type DeliveryPolicy } from '../../workflows/webhooks/start';
import { webhookDeliveryWorkflow } from '../../workflows/webhooks/workflow';
import { useTimeSkipping } from '../support/time-skipping';

// One event to one endpoint: tried until taken or the policy's time is up, then closed once.
const ts = useTimeSkipping();

const policy: DeliveryPolicy = { timeoutMs: 1000, initialIntervalMs: 50, maxIntervalMs: 200, retryForMs: 3000 };
const start = (deliveryId: string, over: Partial<DeliveryPolicy> = {}) =>
  ts.start(webhookDeliveryWorkflow, webhookDeliveryStart({ deliveryId, partnerId: 'par_hooks', policy: { ...policy, ...over } }));

describe('a webhook delivery', () => {
  it('is tried again until the receiver takes it, with backoff (the try taken closes it)', async () => {
    let tries = 0;
    ts.stub('sendWebhook', async () => {
      if (++tries < 4) throw ApplicationFailure.retryable(`the receiver answered 500`, WEBHOOK_NOT_TAKEN);
    });
    const handle = await start('whe_1:evt_1');
    expect(await handle.result()).toBe('delivered');
    const sends = ts.calls.filter((c) => c.name === 'sendWebhook');
    expect(sends.map((c) => c.attempt)).toEqual([1, 2, 3, 4]);
    expect(sends.every((c) => c.args[0] === 'whe_1:evt_1' && c.args[1] === 1000)).toBe(true);
    // the waits between tries are the policy's, as the server was asked for them (the test server skips
    // time during backoffs, so the gaps it reports say nothing)
    const history = await handle.fetchHistory();
    const scheduled = history.events!.find((e) => e.activityTaskScheduledEventAttributes)!.activityTaskScheduledEventAttributes!;
    const ms = (d: { seconds?: unknown; nanos?: number | null } | null | undefined) => Number(d?.seconds ?? 0) * 1000 + (d?.nanos ?? 0) / 1e6;
    expect(scheduled.activityType?.name).toBe('sendWebhook');
    expect(ms(scheduled.retryPolicy!.initialInterval)).toBe(50);
    expect(scheduled.retryPolicy!.backoffCoefficient).toBe(2);
    expect(ms(scheduled.retryPolicy!.maximumInterval)).toBe(200);
    expect(ms(scheduled.scheduleToCloseTimeout)).toBe(3000);
    expect(ms(scheduled.startToCloseTimeout)).toBe(3000); // a try's 1 s and 5 s for the rest of it, capped by the whole 3 s
    expect(scheduled.retryPolicy!.nonRetryableErrorTypes).toEqual([WebhookFailure.EndpointGone, WebhookFailure.UrlRefused]);
    expect(ts.callsTo('finishWebhookDelivery')).toEqual([]); // the try taken closed it
  });

  it('fails once its time is up, however often the receiver failed, and is closed as failed', async () => {
    ts.stub('sendWebhook', async () => {
      throw ApplicationFailure.retryable('no answer within 1000 ms', WEBHOOK_NOT_TAKEN);
    });
    const handle = await start('whe_1:evt_2', { retryForMs: 1500 });
    expect(await handle.result()).toBe('failed');
    expect(ts.callsTo('sendWebhook').length).toBeGreaterThan(2);
    const [finish] = ts.callsTo('finishWebhookDelivery');
    expect(finish?.slice(0, 2)).toEqual(['whe_1:evt_2', 'failed']);
  });

  it('stops at once, skipped, when its endpoint was disabled or deleted meanwhile', async () => {
    ts.stub('sendWebhook', async () => {
      throw ApplicationFailure.nonRetryable('webhook endpoint whe_1 was disabled', WebhookFailure.EndpointGone);
    });
    expect(await (await start('whe_1:evt_3')).result()).toBe('skipped');
    expect(ts.callsTo('sendWebhook')).toHaveLength(1);
    expect(ts.callsTo('finishWebhookDelivery')).toEqual([['whe_1:evt_3', 'skipped', 'webhook endpoint whe_1 was disabled']]);
  });

  it('fails at once when its URL is refused (an internal address), without trying again', async () => {
    ts.stub('sendWebhook', async () => {
      throw ApplicationFailure.nonRetryable('the URL names an internal address', WebhookFailure.UrlRefused);
    });
    expect(await (await start('whe_1:evt_4')).result()).toBe('failed');
    expect(ts.callsTo('sendWebhook')).toHaveLength(1);
  });
});
