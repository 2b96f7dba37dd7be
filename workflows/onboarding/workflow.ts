import { condition, proxyActivities, setHandler, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import type { OnboardingActivities, SubscriptionSnapshot } from '../../activities/onboarding/activities';
import { persistenceActivityOptions } from '../activity-options';
import { isoNow, workflowNow } from '../clock';
import type { DirectoryEntry } from '../customer-directory/types';
import { DAY_MS } from '../durations';
import { LifecycleStage } from '../search-attributes';
import { Stage } from '../stages';
import { onboardingStateQuery } from './messages';
import type { OnboardingInput, OnboardingState } from './types';

const { recordStage, saveSubscription, publishCustomer, sendEmail } = proxyActivities<OnboardingActivities>(persistenceActivityOptions);

/**
 * One customer's way with one partner, the chain offerflow is named for:
 * trial active → reminders before the trial ends → (purchase) … or trial
 * expired → suspended → removed after the grace period. Every stage is stored
 * (timeline, subscription, the partner's customer directory) and shown to
 * operators as the LifecycleStage search attribute.
 */
export async function onboardingWorkflow(input: OnboardingInput): Promise<OnboardingState> {
  const workflowId = workflowInfo().workflowId;
  const started = workflowNow().getTime();
  const trialEndsAt = started + input.trial.lengthMs;
  const state: OnboardingState = {
    partnerId: input.partnerId,
    customerId: input.customerId,
    stage: Stage.TrialActive,
    trialEndsAt: new Date(trialEndsAt).toISOString(),
    subscriptionIds: [input.trial.subscriptionId],
    remindersSent: 0,
    timeline: [],
  };
  // Set once a purchase converts the trial (purchase offers plug in here).
  const conversion = { purchased: false };
  setHandler(onboardingStateQuery, () => state);

  const enter = async (stage: Stage, by: string, detail?: string) => {
    const at = isoNow();
    state.stage = stage;
    state.timeline.push({ stage, at, by, detail });
    await recordStage({ workflowId, n: state.timeline.length, partnerId: input.partnerId, customerId: input.customerId, stage, at, by, detail });
    upsertSearchAttributes([{ key: LifecycleStage, value: stage }]);
  };
  const subscription: SubscriptionSnapshot = {
    subscriptionId: input.trial.subscriptionId,
    customerId: input.customerId,
    partnerId: input.partnerId,
    sku: input.trial.sku,
    status: 'trial',
    licenses: input.trial.licenses,
    trialEndsAt: state.trialEndsAt,
    createdAt: isoNow(),
    updatedAt: isoNow(),
    revision: 0,
  };
  const saveTrial = async (changes: Partial<SubscriptionSnapshot>) => {
    Object.assign(subscription, changes, { updatedAt: isoNow(), revision: subscription.revision + 1 });
    await saveSubscription({ ...subscription });
  };
  const publish = (status: DirectoryEntry['status']) =>
    publishCustomer({
      partnerId: input.partnerId,
      customerId: input.customerId,
      name: input.customer.name,
      domain: input.customer.domain,
      cloud: input.customer.cloud,
      status,
      stage: state.stage,
      skus: [input.trial.sku],
      at: isoNow(),
    });
  const email = (kind: string, subject: string, text: string) =>
    sendEmail({ key: `${workflowId}:${kind}`, partnerId: input.partnerId, customerId: input.customerId, to: input.customer.contactEmail, subject, text, kind, at: isoNow() });
  const msUntil = (t: number) => Math.max(1, t - workflowNow().getTime());

  await saveTrial({});
  await enter(Stage.TrialActive, 'customer', `trial of ${input.trial.sku}, ${input.trial.licenses} licenses, until ${state.trialEndsAt}`);
  await publish('trial');
  await email('trial-started', `Your trial of ${input.trial.sku} has started`, `Your trial of ${input.trial.sku} for ${input.customer.name} runs until ${state.trialEndsAt}.`);

  for (const offset of [...input.reminderOffsetsMs].sort((a, b) => b - a)) {
    const at = trialEndsAt - offset;
    if (at <= workflowNow().getTime()) continue;
    if (await condition(() => conversion.purchased, msUntil(at))) break;
    const left = offset >= DAY_MS ? `${Math.round(offset / DAY_MS)} day${offset >= 2 * DAY_MS ? 's' : ''}` : 'less than a day';
    await email(`trial-reminder-${offset}`, `Your trial of ${input.trial.sku} ends in ${left}`, `Buy ${input.trial.sku} before ${state.trialEndsAt} to keep it.`);
    state.remindersSent++;
  }
  if (!conversion.purchased && !(await condition(() => conversion.purchased, msUntil(trialEndsAt)))) {
    await enter(Stage.TrialExpired, 'system');
    await enter(Stage.Suspended, 'system', `removed after ${Math.round(input.gracePeriodMs / 1000)} s unless bought`);
    await saveTrial({ status: 'suspended' });
    await publish('suspended');
    await email('trial-suspended', `Your trial of ${input.trial.sku} has ended`, `The subscription is suspended and will be removed unless bought.`);
    if (!(await condition(() => conversion.purchased, input.gracePeriodMs))) {
      await enter(Stage.Removed, 'system');
      await saveTrial({ status: 'removed', licenses: 0 });
      await publish('removed');
      return state;
    }
  }
  return state;
}
