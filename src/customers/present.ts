import type { z } from 'zod';
import type { TimelineEventDoc } from '../onboarding/model';
import type { PartnerCustomer } from './directory/model';
import type { customerOut, timelineEventOut } from './schemas';

export function presentCustomer(c: PartnerCustomer): z.infer<typeof customerOut> {
  return {
    id: c.customerId,
    name: c.name,
    domain: c.domain,
    cloud: c.cloud,
    status: c.status,
    stage: c.stage,
    skus: c.skus,
    createdAt: c.createdAt.toISOString(),
    updatedAt: c.updatedAt.toISOString(),
  };
}

export function presentTimelineEvent(e: TimelineEventDoc): z.infer<typeof timelineEventOut> {
  return { stage: e.stage, at: e.at.toISOString(), by: e.by, detail: e.detail, workflowId: e.workflowId };
}
