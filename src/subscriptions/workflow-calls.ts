import { WorkflowNotFoundError } from '@temporalio/client';
import { subscriptionWorkflowId } from '../../workflows/subscriptions/ids';
import { changeLicensesUpdate, pricePreviewQuery } from '../../workflows/subscriptions/messages';
import type { PricePreview } from '../../workflows/subscriptions/types';
import type { ApiDeps } from '../api/deps';
import { Problem } from '../api/problem';
import type { SubscriptionDoc } from './model';

/**
 * A paid subscription's workflow is the source of truth: a trial bought a moment
 * ago is active there before its stored record says so, and a trial never bought
 * has no such workflow.
 */
async function onSubscription<T>(deps: ApiDeps, sub: SubscriptionDoc, act: (handle: ReturnType<ApiDeps['temporal']['workflow']['getHandle']>) => Promise<T>): Promise<T> {
  if (sub.status !== 'active' && sub.status !== 'trial') throw new Problem('subscription-not-active', `subscription ${sub._id} is ${sub.status}`);
  try {
    return await act(deps.temporal.workflow.getHandle(subscriptionWorkflowId(sub._id)));
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) throw new Problem('subscription-not-active', `subscription ${sub._id} is ${sub.status}`);
    throw err;
  }
}

/** Changes the license count through the subscription's workflow; answers with the record it stored. */
export async function changeLicenses(deps: ApiDeps, sub: SubscriptionDoc, licenses: number, by: string): Promise<{ from: number; stored: SubscriptionDoc }> {
  const state = await onSubscription(deps, sub, (handle) => handle.executeUpdate(changeLicensesUpdate, { args: [{ licenses, by }] }));
  return { from: state.lastChange?.from ?? sub.licenses, stored: (await deps.models.Subscription.findById(sub._id).lean<SubscriptionDoc>())! };
}

export function previewLicenses(deps: ApiDeps, sub: SubscriptionDoc, licenses: number): Promise<PricePreview> {
  return onSubscription(deps, sub, (handle) => handle.query(pricePreviewQuery, licenses));
}
