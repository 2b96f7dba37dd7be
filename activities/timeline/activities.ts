import type { Models } from '../../src/db/models';
import { insertRecordOnce } from '../records';

export interface StageRecord {
  workflowId: string;
  /** The n-th stage of that workflow: the record's key. */
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
        _id: `${r.workflowId}#${r.n}`,
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
