import { ApplicationFailure } from '@temporalio/common';
import { onboardingWorkflowId } from '../../workflows/onboarding/start';
import { ProductKeyFailure } from '../../workflows/product-keys/failures';
import { redeemKeyUpdate, type KeyRedemption } from '../../workflows/product-keys/messages';
import { keyRedemptionWorkflow } from '../../workflows/product-keys/redemption';
import { keyRedemptionStart } from '../../workflows/product-keys/start';
import { fakeProductKey } from '../../bench/fake-customers';
import { useTimeSkipping } from '../support/time-skipping';
import { keyRedemptionRequest, refusal } from './inputs';

// A key's redemption: once, whatever else tries at the same time; its purchase goes through the customer's onboarding.
const ts = useTimeSkipping();

const partnerId = 'par_keys';
const start = (key = fakeProductKey()) => ts.start(keyRedemptionWorkflow, keyRedemptionStart({ key, partnerId }));
const request = keyRedemptionRequest;

describe('redeeming a product key', () => {
  it('a key another redemption redeemed before: refused, nothing made, and the run ends', async () => {
    ts.stub('keyForRedemption', async () => {
      throw ApplicationFailure.nonRetryable('product key was redeemed', ProductKeyFailure.Redeemed);
    });
    const h = await start();
    expect((await refusal(h.executeUpdate(redeemKeyUpdate, { args: [request(1)] }))).type).toBe(ProductKeyFailure.Redeemed);
    expect((await h.result()).status).toBe('refused');
    expect(ts.callsTo('registerCustomer', h.workflowId)).toEqual([]);
    expect(ts.callsTo('markKeyRedeemed', h.workflowId)).toEqual([]);
  });

  it('a repeat of a redemption an earlier run made gets its stored result, and makes nothing again', async () => {
    const key = fakeProductKey();
    const done: KeyRedemption = {
      key,
      redemptionId: 'pkr_2',
      customerId: 'cus_2',
      created: true,
      subscription: { subscriptionId: 'sub_2', sku: 'BUS-STD', licenses: 5 },
      redeemedAt: new Date().toISOString(),
    };
    ts.stub('keyForRedemption', async () => ({ done }));
    const h = await start(key);
    expect(await h.executeUpdate(redeemKeyUpdate, { args: [request(2)] })).toEqual(done);
    expect(ts.callsTo('registerCustomer', h.workflowId)).toEqual([]);
    expect(ts.callsTo('purchaseThroughOnboarding', h.workflowId)).toEqual([]);
    expect((await h.result()).status).toBe('redeemed');
  });

  // Last of those that skip time: the time-skipping test server keeps a time lock when an abandoned child (the onboarding) outlives its parent.
  it('redeems once: the customer registered, its onboarding (no trial) buys the key’s subscription; every other redemption meanwhile is refused', async () => {
    const key = fakeProductKey();
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    ts.stub('purchaseThroughOnboarding', async (_p, _c, r) => {
      await held; // the purchase under way while others try
      return { subscriptions: r.items.map((i) => ({ subscriptionId: i.subscriptionId, sku: i.sku, licenses: i.licenses, convertedTrial: false })) };
    });
    const h = await start(key);
    ts.cleanUp(onboardingWorkflowId(partnerId, 'cus_3'));
    const first = h.executeUpdate(redeemKeyUpdate, { args: [request(3)] });
    await ts.eventually(() => ts.callsTo('purchaseThroughOnboarding', h.workflowId).length === 1, 'the purchase under way');
    const others = await Promise.all([4, 5, 6].map((n) => refusal(h.executeUpdate(redeemKeyUpdate, { args: [request(n)] }))));
    expect(others.map((o) => o.type)).toEqual(Array(3).fill(ProductKeyFailure.Redeemed));
    release();
    const redeemed = await first;
    expect(redeemed).toMatchObject({
      key,
      redemptionId: 'pkr_3',
      customerId: 'cus_3',
      created: true,
      subscription: { subscriptionId: 'sub_3', sku: 'BUS-STD', licenses: 5 },
    });
    // (once it ends, a later redemption starts a new run, which finds the key redeemed: the integration tests show it)
    expect(ts.callsTo('registerCustomer', h.workflowId).map(([r]) => r.customerId)).toEqual(['cus_3']);
    const purchases = ts.callsTo('purchaseThroughOnboarding', h.workflowId);
    expect(purchases.map(([p, c, r]) => [p, c, r.offerId, r.items.map((i) => [i.licenses, i.priceMinor])])).toEqual([
      [partnerId, 'cus_3', `key:${key}`, [[5, 1250]]],
    ]);
    const marked = ts.callsTo('markKeyRedeemed', h.workflowId).map(([m]) => m);
    expect(marked).toHaveLength(1);
    expect(marked[0]).toMatchObject({
      key,
      customerId: 'cus_3',
      by: 'usr_advisor',
      audit: { action: 'product-key.redeemed', target: { kind: 'product-key', id: key } },
    });
    expect((await h.result()).status).toBe('redeemed');
    // the customer's onboarding: started by the key, without a trial (the stubbed purchase never reached it: it ends unbought)
    const onboarding = ts.client.workflow.getHandle(onboardingWorkflowId(partnerId, 'cus_3'));
    expect((await onboarding.result()).timeline.map((t: { stage: string }) => t.stage)).toEqual(['key-redeemed', 'cancelled']);
  });
});
