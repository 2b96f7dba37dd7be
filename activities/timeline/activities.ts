import type { Models } from '../../src/db/models';
import { countInFunnel } from '../../src/funnel/count';
import type { FunnelStep } from '../../src/funnel/model';
import { Stage } from '../../workflows/stages';
import { insertRecordOnce } from '../records';

/** The stages that are steps of the partner's funnel (src/funnel). */
const FUNNEL_STEP_OF: Partial<Record<string, FunnelStep>> = {
  [Stage.TrialActive]: 'trial',
  [Stage.Purchased]: 'purchased',
  [Stage.DelegatedAdminActive]: 'delegated-admin-active',
};

export interface StageRecord {
  workflowId: string;
  /** What the record's key is built from when the workflow id is not enough (an id that names later runs too). */
  key?: string;
  /** The n-th stage of that workflow (or key): the record's key. */
  n: number;
  partnerId: string;
  customerId: string;
  stage: string;
  at: string;
  by: string;
  detail?: string;
}

export function createTimelineActivities({ models }: { models: Models }) {
  return {
    /** Appends one stage to the customer's timeline (keyed by workflow and step: written once). */
    async recordStage(r: StageRecord): Promise<void> {
      await insertRecordOnce(models.TimelineEvent, {
        _id: `${r.key ?? r.workflowId}#${r.n}`,
        partnerId: r.partnerId,
        customerId: r.customerId,
        stage: r.stage,
        at: new Date(r.at),
        by: r.by,
        detail: r.detail,
        workflowId: r.workflowId,
      });
      const step = FUNNEL_STEP_OF[r.stage];
      if (!step) return;
      await countInFunnel(models, { partnerId: r.partnerId, step, member: r.customerId, at: r.at });
      if (step === 'trial') {
        // invited too: by its contact's address, so that one invited by e-mail counts once
        const customer = await models.Customer.findById(r.customerId, { contacts: 1 }).lean();
        await countInFunnel(models, { partnerId: r.partnerId, step: 'invited', member: customer?.contacts?.[0]?.email ?? r.customerId, at: r.at });
      }
    },
  };
}

export type TimelineActivities = ReturnType<typeof createTimelineActivities>;
