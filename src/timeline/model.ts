import { Schema, type InferSchemaType } from 'mongoose';

/** One step of a customer's onboarding: which stage, when, by whom, in which workflow. */
export const timelineEventSchema = new Schema(
  {
    /** `<workflowId>#<n>`: the n-th step of that workflow, so a retried write changes nothing. */
    _id: { type: String, required: true },
    partnerId: { type: String, required: true },
    customerId: { type: String, required: true },
    stage: { type: String, required: true },
    at: { type: Date, required: true },
    by: { type: String, required: true },
    detail: { type: String },
    workflowId: { type: String, required: true },
  },
  { collection: 'timeline_events', versionKey: false, strict: 'throw' },
);

timelineEventSchema.index({ partnerId: 1, customerId: 1, at: 1 });

export type TimelineEventDoc = InferSchemaType<typeof timelineEventSchema> & { _id: string };
