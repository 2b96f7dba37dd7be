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
    // waits double: 50, 100, 200 ms (the test server's clock is coarse: within a few ms)
    const gaps = sends.slice(1).map((c, i) => c.scheduledAt - sends[i]!.scheduledAt);
    expect(gaps[1]! / gaps[0]!).toBeGreaterThan(1.5);
    expect(gaps[2]! / gaps[1]!).toBeGreaterThan(1.5);
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
