import { openMongo } from '../../src/db/connection';
import type { AuditEventDoc } from '../../src/audit/model';
import type { CustomerTokenDoc } from '../../src/auth/model';
import type { CustomerDoc } from '../../src/customers/model';
import { createModels } from '../../src/db/models';
import type { RelationshipDoc } from '../../src/delegated-admin/model';
import type { IdempotencyKeyDoc } from '../../src/idempotency/model';
import type { InvitationDoc, RedemptionDoc } from '../../src/invitations/model';
import type { LinkCodeDoc } from '../../src/links/model';
import { createLogger } from '../../src/logger';
import type { OfferDoc, OfferRecipientDoc } from '../../src/offers/model';
import type { TimelineEventDoc } from '../../src/onboarding/model';
import type { OutboxMessageDoc } from '../../src/outbox/model';
import type { PartnerDoc } from '../../src/partners/model';
import type { SubscriptionDoc } from '../../src/subscriptions/model';
import type { ChainResult } from './chain';

/**
 * Counts what the chains did, straight from MongoDB (FerretDB): every record a chain's
 * steps make, attributed to the chain by what ties it there (the partner user that made
 * it, the customer's domain, the customer's id), as a signature: effect → count. A
 * chain's signature is compared with the control chain's (run alone, without faults).
 */

export type Signature = Record<string, number>;

export interface Snapshot {
  invitations: InvitationDoc[];
  redemptions: RedemptionDoc[];
  customers: CustomerDoc[];
  customerTokens: CustomerTokenDoc[];
  offers: OfferDoc[];
  offerRecipients: OfferRecipientDoc[];
  subscriptions: SubscriptionDoc[];
  relationships: RelationshipDoc[];
  outbox: OutboxMessageDoc[];
  audit: AuditEventDoc[];
  timeline: TimelineEventDoc[];
  linkCodes: LinkCodeDoc[];
  idempotencyKeys: IdempotencyKeyDoc[];
  partners: PartnerDoc[];
}

/** Every record of the kinds counted (a few thousand at most in this suite). */
export async function readSnapshot(mongodbUri: string): Promise<Snapshot> {
  const mongo = openMongo(mongodbUri, createLogger('faults', 'silent'), { serverSelectionTimeoutMS: 5000 });
  const m = createModels(mongo.connection);
  try {
    await mongo.ready;
    // one collection at a time: FerretDB answers each by reading its table
    return {
      invitations: await m.Invitation.find({}).lean<InvitationDoc[]>(),
      redemptions: await m.Redemption.find({}).lean<RedemptionDoc[]>(),
      customers: await m.Customer.find({}).lean<CustomerDoc[]>(),
      customerTokens: await m.CustomerToken.find({}).lean<CustomerTokenDoc[]>(),
      offers: await m.Offer.find({}).lean<OfferDoc[]>(),
      offerRecipients: await m.OfferRecipient.find({}).lean<OfferRecipientDoc[]>(),
      subscriptions: await m.Subscription.find({}).lean<SubscriptionDoc[]>(),
      relationships: await m.Relationship.find({}).lean<RelationshipDoc[]>(),
      outbox: await m.OutboxMessage.find({}).lean<OutboxMessageDoc[]>(),
      audit: await m.AuditEvent.find({}).lean<AuditEventDoc[]>(),
      timeline: await m.TimelineEvent.find({}).lean<TimelineEventDoc[]>(),
      linkCodes: await m.LinkCode.find({}).lean<LinkCodeDoc[]>(),
      idempotencyKeys: await m.IdempotencyKey.find({}).lean<IdempotencyKeyDoc[]>(),
      partners: await m.Partner.find({}).lean<PartnerDoc[]>(),
    };
  } finally {
    await mongo.close();
  }
}

/** How many records of each counted kind exist (to see the system settle). */
export const totals = (s: Snapshot): Record<string, number> => Object.fromEntries(Object.entries(s).map(([k, v]) => [k, (v as unknown[]).length]));

export interface ChainEffects {
  label: string;
  customerIds: string[];
  signature: Signature;
  /** Audit entries written more than once for the same object and action. */
  auditRepeats: Array<{ action: string; target: string; count: number }>;
  state: { onboarded: boolean; relationships: string[]; subscriptions: Array<{ id: string; status: string; licenses: number }> };
}

const add = (sig: Signature, key: string, n = 1) => (sig[key] = (sig[key] ?? 0) + n);
/** An e-mail kind, action or stage with the ids in it (`purchased-ofr_…`) made the same for every chain. */
const general = (name: string) => name.replace(/\b[a-z]{3}_[0-9a-z]+_[A-Za-z0-9_-]+/g, '<id>');

export function effectsOf(s: Snapshot, chain: ChainResult): ChainEffects {
  const partnerEmail = s.partners.find((p) => p._id === chain.partnerId)?.profile.email;
  const invitations = s.invitations.filter((i) => i.partnerId === chain.partnerId && i.createdBy === chain.userId);
  const offers = s.offers.filter((o) => o.partnerId === chain.partnerId && o.createdBy === chain.userId);
  const customers = s.customers.filter((c) => c.domain === chain.customer.domain.toLowerCase() || c._id === chain.customerId);
  const customerIds = new Set([...customers.map((c) => c._id), ...(chain.customerId ? [chain.customerId] : [])]);
  const invitationIds = new Set(invitations.map((i) => i._id));
  const offerIds = new Set(offers.map((o) => o._id));
  const mine = (customerId?: string) => customerId !== undefined && customerIds.has(customerId);
  const redemptions = s.redemptions.filter((r) => invitationIds.has(r.invitationId) || mine(r.customerId));
  const recipients = s.offerRecipients.filter((r) => offerIds.has(r.offerId) || mine(r.customerId));
  const subscriptions = s.subscriptions.filter((x) => mine(x.customerId));
  const relationships = s.relationships.filter((x) => mine(x.customerId));
  const timeline = s.timeline.filter((x) => mine(x.customerId));
  const outbox = s.outbox.filter((x) => mine(x.customerId));
  const objectIds = new Set([...invitationIds, ...offerIds, ...customerIds, ...subscriptions.map((x) => x._id), ...relationships.map((x) => x._id)]);
  const actors = new Set([chain.userId, ...customerIds]);
  const audit = s.audit.filter((a) => objectIds.has(a.target.id) || (actors.has(a.actor.id) && new Date(a.at).getTime() >= chain.startedAt - 1000));

  const sig: Signature = {};
  add(sig, 'invitations', invitations.length);
  add(sig, 'invitation redemptions', redemptions.length);
  add(sig, 'customers', customers.length);
  add(sig, 'customer tokens', s.customerTokens.filter((t) => mine(t.customerId)).length);
  add(sig, 'offers', offers.length);
  add(sig, 'offer recipients', recipients.length);
  add(sig, 'subscriptions', subscriptions.length);
  add(sig, 'delegated-admin relationships', relationships.length);
  for (const m of outbox) {
    const to = m.to === chain.customer.email ? 'the customer' : m.to === partnerEmail ? 'the partner' : 'someone else';
    add(sig, `e-mail ${general(m.kind)} to ${to}`);
  }
  for (const a of audit) add(sig, `audit ${general(a.action)} on ${a.target.kind}`);
  for (const t of timeline) add(sig, `timeline ${general(t.stage)} (${t.workflowId.split(':')[0]})`);

  const repeats = new Map<string, { action: string; target: string; count: number }>();
  for (const a of audit) {
    const k = `${a.action} ${a.target.kind}:${a.target.id}`;
    const r = repeats.get(k) ?? { action: a.action, target: `${a.target.kind}:${a.target.id}`, count: 0 };
    r.count++;
    repeats.set(k, r);
  }
  return {
    label: chain.label,
    customerIds: [...customerIds],
    signature: sig,
    auditRepeats: [...repeats.values()].filter((r) => r.count > 1),
    state: {
      onboarded: timeline.some((t) => t.stage === 'onboarded'),
      relationships: relationships.map((x) => x.status),
      subscriptions: subscriptions.map((x) => ({ id: x._id, status: x.status, licenses: x.licenses })),
    },
  };
}

export interface Difference {
  chain: string;
  effect: string;
  expected: number;
  actual: number;
}

/** Each effect counted more (duplicated) or less (missing) than the control chain has it. */
export function compare(expected: Signature, e: ChainEffects): { duplicated: Difference[]; missing: Difference[] } {
  const duplicated: Difference[] = [];
  const missing: Difference[] = [];
  for (const effect of [...new Set([...Object.keys(expected), ...Object.keys(e.signature)])].sort()) {
    const want = expected[effect] ?? 0;
    const got = e.signature[effect] ?? 0;
    if (got > want) duplicated.push({ chain: e.label, effect, expected: want, actual: got });
    if (got < want) missing.push({ chain: e.label, effect, expected: want, actual: got });
  }
  return { duplicated, missing };
}

/** What the whole database shows, beyond any one chain: link codes whose invitation or offer does not exist, keys not done. */
export function leftovers(s: Snapshot, chains: ChainResult[]) {
  const invitations = new Set(s.invitations.map((i) => i._id));
  const offers = new Set(s.offers.map((o) => o._id));
  const relationships = new Set(s.relationships.map((r) => r._id));
  const targets = { invitation: invitations, offer: offers, 'delegated-admin': relationships };
  const users = new Set(chains.map((c) => c.userId));
  const keyStates: Record<string, number> = {};
  for (const k of s.idempotencyKeys) add(keyStates, String(k.state));
  return {
    orphanLinkCodes: s.linkCodes.filter((l) => !targets[l.kind].has(l.targetId)).map((l) => ({ code: l._id, kind: l.kind, targetId: l.targetId })),
    idempotencyKeyStates: keyStates,
    /** Requests whose keys are still claimed (their client gave up, or they never finished); a lapsed lease is free to take over. */
    keysInProgress: s.idempotencyKeys
      .filter((k) => k.state === 'in-progress')
      .map((k) => ({ id: k._id, createdAt: k.createdAt, leaseUntil: k.leaseUntil, leaseHeld: k.leaseUntil ? k.leaseUntil.getTime() > Date.now() : undefined })),
    /** Invitations and offers no chain's user made (none are expected: every partner action is a chain's). */
    unattributed: {
      invitations: s.invitations.filter((i) => !users.has(i.createdBy)).map((i) => i._id),
      offers: s.offers.filter((o) => !users.has(o.createdBy)).map((o) => o._id),
    },
  };
}
