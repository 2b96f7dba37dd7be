import type { z } from 'zod';
import type { TimelineEventDoc } from '../onboarding/model';
import type { PartnerCustomer } from './directory/model';
import type { customerOut, customerSummaryOut, timelineEventOut } from './schemas';
import type { CustomerSummary } from './service';

export function presentCustomer(c: PartnerCustomer): z.infer<typeof customerOut> {
  return {
    id: c.customerId,
    name: c.name,
    domain: c.domain,
    cloud: c.cloud,
    status: c.status,
    stage: c.stage,
    skus: c.skus,
    delegatedAdmin: c.delegatedAdmin
      ? { state: c.delegatedAdmin.state, ...(c.delegatedAdmin.endsAt ? { endsAt: c.delegatedAdmin.endsAt } : {}) }
      : { state: 'none' },
    openRequests: c.openRequests
      ? { critical: c.openRequests.critical, moderate: c.openRequests.moderate, minimal: c.openRequests.minimal }
      : { critical: 0, moderate: 0, minimal: 0 },
    createdAt: c.createdAt.toISOString(),
    updatedAt: c.updatedAt.toISOString(),
    lastActivityAt: c.lastActivityAt.toISOString(),
  };
}

export function presentTimelineEvent(e: TimelineEventDoc): z.infer<typeof timelineEventOut> {
  return { stage: e.stage, at: e.at.toISOString(), by: e.by, detail: e.detail, workflowId: e.workflowId };
}

export function presentCustomerSummary(s: CustomerSummary): z.infer<typeof customerSummaryOut> {
  const r = s.relationship;
  return {
    id: s.customerId,
    subscriptions: s.subscriptions.map(({ subscription: sub, used }) => ({
      id: sub._id,
      sku: sub.sku,
      status: sub.status,
      licenses: sub.licenses,
      licensesUsed: used,
      licensesFree: Math.max(0, sub.licenses - used),
    })),
    relationship: r ? { id: r._id, status: r.status, ...(r.role ? { role: r.role } : {}), ...(r.endsAt ? { endsAt: r.endsAt } : {}) } : null,
    openRequests: { ...s.openRequests, total: s.openRequests.critical + s.openRequests.moderate + s.openRequests.minimal },
    lastActivityAt: s.lastActivityAt?.toISOString() ?? null,
  };
}
