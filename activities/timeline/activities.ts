import type { Models } from '../../src/db/models';
import { insertRecordOnce } from '../records';

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
    },
  };
}

export type TimelineActivities = ReturnType<typeof createTimelineActivities>;
