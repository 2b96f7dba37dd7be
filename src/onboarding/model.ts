import { recordSchema } from '../db/record';

/** One step of a customer's onboarding: which stage, when, by whom, in which workflow. */
export interface TimelineEventDoc {
  /** `<workflowId>#<n>`: the n-th step of that workflow, so a retried write changes nothing. */
  _id: string;
  partnerId: string;
  customerId: string;
  stage: string;
  at: Date;
  by: string;
  detail?: string;
  workflowId: string;
}

export const timelineEventSchema = recordSchema<TimelineEventDoc>(
  {
    _id: { type: String, required: true },
    partnerId: { type: String, required: true },
    customerId: { type: String, required: true },
    stage: { type: String, required: true },
    at: { type: Date, required: true },
    by: { type: String, required: true },
    detail: { type: String },
    workflowId: { type: String, required: true },
  },
  { collection: 'timeline_events' },
);

timelineEventSchema.index({ partnerId: 1, customerId: 1, at: 1 });
