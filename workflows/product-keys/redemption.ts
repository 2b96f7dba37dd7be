import { ApplicationFailure, allHandlersFinished, condition, proxyActivities, setHandler } from '@temporalio/workflow';
import type { ProductKeyActivities } from '../../activities/product-keys/activities';
import { persistenceActivityOptions } from '../activity-options';
import { auditEntry } from '../audit';
import { isoNow, workflowNow } from '../clock';
import { DAY_MS } from '../durations';
import { publish } from '../events/publish';
import { onboardCustomer, purchaseThroughOnboarding } from '../onboarding/join';
import { keyRedeemed } from './events';
import { ProductKeyFailure } from './failures';
import { keyRedemptionStateQuery, redeemKeyUpdate, type KeyRedemption, type KeyRedemptionState, type RedeemKeyRequest } from './messages';
import type { KeyRedemptionInput } from './start';

const { keyForRedemption, markKeyRedeemed } = proxyActivities<ProductKeyActivities>(persistenceActivityOptions);

/** How long the workflow waits for the redemption it was started with (it comes with its start). */
const WAIT_FOR_REDEMPTION = '1 hour';

/**
 * One product key's redemption: every redemption of the key meets in this workflow (its id is
 * the key's), the first one claims it and the others are refused while it runs; once it has
 * redeemed the key, the key's record says so, and a later run refuses every other redemption
 * too. Redeeming makes the customer (new, or existing) the partner's, through an onboarding
 * without a trial that buys the key's subscription — the partner becoming its partner of
 * record — and, when asked, a delegated-admin request the customer approves.
 */
export async function keyRedemptionWorkflow(input: KeyRedemptionInput): Promise<KeyRedemptionState> {
  const state: KeyRedemptionState = { key: input.key, partnerId: input.partnerId, status: 'waiting' };
  let claimedBy: string | undefined;
  setHandler(keyRedemptionStateQuery, () => state);

  const refuseUnlessFor = ({ redemptionId }: RedeemKeyRequest) => {
    const other = state.redemption ? state.redemption.redemptionId !== redemptionId : claimedBy !== undefined && claimedBy !== redemptionId;
    if (other) {
      throw ApplicationFailure.nonRetryable(
        state.redemption ? `product key ${input.key} was redeemed on ${state.redemption.redeemedAt}` : `product key ${input.key} is being redeemed`,
        ProductKeyFailure.Redeemed,
        { redeemedAt: state.redemption?.redeemedAt },
      );
    }
  };

  const redeem = async (request: RedeemKeyRequest): Promise<KeyRedemption> => {
    const key = await keyForRedemption(input.key, input.partnerId, request.redemptionId);
    if ('done' in key) return key.done; // a repeat of a redemption an earlier run made
    // a customer already onboarding with the partner buys through that onboarding
    const { customer: c } = await onboardCustomer(input.partnerId, request.customer, {
      productKey: input.key,
      purchaseBy: new Date(workflowNow().getTime() + DAY_MS).toISOString(),
      reminderOffsetsMs: [],
      gracePeriodMs: 0,
    });
    const bought = await purchaseThroughOnboarding(input.partnerId, c.customerId, {
      offerId: `key:${input.key}`,
      items: [
        {
          sku: key.sku,
          licenses: key.licenses,
          minLicenses: request.minLicenses,
          maxLicenses: request.maxLicenses,
          priceMinor: request.priceMinor,
          currency: request.currency,
          subscriptionId: request.subscriptionId,
        },
      ],
      partnerEmail: request.partnerEmail,
      billingPeriodMs: request.billingPeriodMs,
      cancellationWindowMs: request.cancellationWindowMs,
      delegatedAdmin: request.delegatedAdmin && { ...request.delegatedAdmin, agreed: false, partnerEmail: request.partnerEmail },
      by: request.by,
    });
    const sub = bought.subscriptions[0]!;
    const redemption: KeyRedemption = {
      key: input.key,
      redemptionId: request.redemptionId,
      customerId: c.customerId,
      created: c.created,
      subscription: { subscriptionId: sub.subscriptionId, sku: sub.sku, licenses: sub.licenses },
      ...(bought.delegatedAdmin ? { delegatedAdmin: bought.delegatedAdmin } : {}),
      redeemedAt: isoNow(),
    };
    await markKeyRedeemed({
      ...redemption,
      by: request.by,
      audit: auditEntry({
        partnerId: input.partnerId,
        actor: request.requested?.actor ?? { kind: 'partner-user', id: request.by },
        action: 'product-key.redeemed',
        target: { kind: 'product-key', id: input.key },
        requestId: request.requested?.requestId,
        details: { customerId: c.customerId, created: c.created, subscriptionId: sub.subscriptionId },
      }),
    });
    await publish(keyRedeemed(input.partnerId, redemption));
    return redemption;
  };

  setHandler(
    redeemKeyUpdate,
    async (request) => {
      refuseUnlessFor(request); // again: the validator of an update that came with another may have run before that one claimed the key
      if (state.redemption) return state.redemption;
      claimedBy = request.redemptionId;
      state.status = 'redeeming';
      try {
        state.redemption = await redeem(request);
        state.status = 'redeemed';
        return state.redemption;
      } catch (err) {
        claimedBy = undefined;
        state.status = 'refused';
        throw err;
      }
    },
    { validator: refuseUnlessFor },
  );

  // one redemption per run: it ends once that one has redeemed the key or was refused
  await condition(() => state.status === 'redeemed' || state.status === 'refused', WAIT_FOR_REDEMPTION);
  await condition(allHandlersFinished);
  return state;
}
