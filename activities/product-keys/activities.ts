import { ApplicationFailure, Context } from '@temporalio/activity';
import { writeAuditEntry, type WorkflowAuditEntry } from '../audit/activities';
import type { Models } from '../../src/db/models';
import { isDuplicateKey } from '../../src/db/duplicate-key';
import { parseProductKey } from '../../src/product-keys/format';
import type { ProductKeyDoc, RefusedLine } from '../../src/product-keys/model';
import { refusingInvalidRecords } from '../records';
import { ProductKeyFailure } from '../../workflows/product-keys/failures';
import type { KeyRedemption } from '../../workflows/product-keys/messages';

/** Keys inserted per command (and progress stored after each). */
const CHUNK = 1000;

export interface RegistrationSummary {
  total: number;
  registered: number;
  refused: number;
}

/** A key's redemption as it is stored with the key. */
const redemptionOf = (k: ProductKeyDoc): KeyRedemption => ({
  key: k._id,
  redemptionId: k.redemptionId!,
  customerId: k.customerId!,
  created: k.createdCustomer ?? false,
  subscription: { subscriptionId: k.subscriptionId!, sku: k.sku, licenses: k.licenses },
  ...(k.relationshipId ? { delegatedAdmin: { relationshipId: k.relationshipId, status: 'approval-pending' as const } } : {}),
  redeemedAt: k.redeemedAt!.toISOString(),
});

export function createProductKeyActivities({ models }: { models: Models }) {
  return {
    /**
     * The key a partner redeems: its own and unused — or redeemed already by this very
     * redemption (a repeat), whose result it answers with. Any other is refused.
     */
    async keyForRedemption(key: string, partnerId: string, redemptionId: string): Promise<{ sku: string; licenses: number } | { done: KeyRedemption }> {
      const k = await models.ProductKey.findById(key).lean();
      if (!k || k.partnerId !== partnerId)
        throw ApplicationFailure.nonRetryable(`product key ${key} is not one of this partner's keys`, ProductKeyFailure.Unknown);
      if (k.state === 'redeemed') {
        if (k.redemptionId === redemptionId) return { done: redemptionOf(k) };
        throw ApplicationFailure.nonRetryable(`product key ${key} was redeemed on ${k.redeemedAt?.toISOString()}`, ProductKeyFailure.Redeemed, {
          redeemedAt: k.redeemedAt?.toISOString(),
        });
      }
      return { sku: k.sku, licenses: k.licenses };
    },

    /** Stores the redemption with its key (once: a key redeemed by another redemption stays so) and its audit entry. */
    async markKeyRedeemed({ audit, by, ...r }: KeyRedemption & { by: string; audit: WorkflowAuditEntry }): Promise<void> {
      await models.ProductKey.updateOne(
        { _id: r.key, $or: [{ state: 'unused' }, { redemptionId: r.redemptionId }] },
        {
          $set: {
            state: 'redeemed',
            redeemedAt: new Date(r.redeemedAt),
            redeemedBy: by,
            customerId: r.customerId,
            subscriptionId: r.subscription.subscriptionId,
            redemptionId: r.redemptionId,
            createdCustomer: r.created,
            ...(r.delegatedAdmin ? { relationshipId: r.delegatedAdmin.relationshipId } : {}),
          },
        },
      );
      await writeAuditEntry(models, audit);
    },

    /**
     * Registers the lines of a registration a chunk at a time, storing its progress after each
     * (a repeat goes on from there; a key already stored by this registration counts as its own).
     * Malformed lines, lines repeating an earlier one, and keys registered anywhere already are
     * refused one by one; the rest are registered.
     */
    async registerProductKeys(registrationId: string): Promise<RegistrationSummary> {
      const [reg, sent] = await Promise.all([
        models.KeyRegistration.findById(registrationId).lean(),
        models.KeyRegistrationLines.findById(registrationId).lean(),
      ]);
      if (!reg || !sent) throw new Error(`registration ${registrationId} was not found`);
      const lines = sent.lines;
      const refusedBefore = reg.refused.filter((r) => r.line <= reg.processed);
      const refused: RefusedLine[] = [...refusedBefore];
      let registered = reg.registered;
      // which line first holds each key: the repeats are refused wherever they are
      const keys = lines.map(parseProductKey);
      const first = new Map<string, number>();
      keys.forEach((k, i) => k && !first.has(k) && first.set(k, i));
      const text = (i: number) => lines[i]!.slice(0, 64);
      for (let from = reg.processed; from < lines.length; from += CHUNK) {
        const to = Math.min(lines.length, from + CHUNK);
        const docs: ProductKeyDoc[] = [];
        const refusedHere: RefusedLine[] = [];
        for (let i = from; i < to; i++) {
          const key = keys[i];
          if (!key) refusedHere.push({ line: i + 1, text: text(i), reason: 'malformed' });
          else if (first.get(key) !== i) refusedHere.push({ line: i + 1, text: text(i), reason: 'duplicate-in-batch' });
          else {
            docs.push({
              _id: key,
              partnerId: reg.partnerId,
              sku: reg.sku,
              licenses: reg.licenses,
              registrationId,
              registeredAt: reg.createdAt,
              state: 'unused',
            });
          }
        }
        const clashes = await insertAll(models, docs);
        // a clash with this registration's own key (an earlier attempt stored it) is a registration
        const owners = await Promise.all(
          [...clashes].map(async (key) => [key, (await models.ProductKey.findById(key, { registrationId: 1 }).lean())?.registrationId] as const),
        );
        for (const [key, owner] of owners) {
          if (owner !== registrationId) refusedHere.push({ line: first.get(key)! + 1, text: text(first.get(key)!), reason: 'already-registered' });
        }
        registered += docs.length - owners.filter(([, owner]) => owner !== registrationId).length;
        refused.push(...refusedHere.sort((a, b) => a.line - b.line));
        await models.KeyRegistration.updateOne({ _id: registrationId }, { $set: { processed: to, registered, refused } });
        Context.current().heartbeat({ processed: to });
      }
      await models.KeyRegistration.updateOne({ _id: registrationId, status: 'running' }, { $set: { status: 'done', finishedAt: new Date() } });
      return { total: lines.length, registered, refused: refused.length };
    },
  };
}

/** Inserts the keys (none of which may exist); answers the ids that did. */
async function insertAll(models: Models, docs: ProductKeyDoc[]): Promise<Set<string>> {
  const clashes = new Set<string>();
  if (docs.length === 0) return clashes;
  await refusingInvalidRecords(async () => {
    try {
      await models.ProductKey.insertMany(docs, { ordered: false });
    } catch (err) {
      const errors = (err as { writeErrors?: Array<{ index: number; code?: number; err?: { code?: number; index?: number } }> }).writeErrors;
      if (!errors || errors.length === 0) throw err;
      for (const e of errors) {
        const code = e.code ?? e.err?.code;
        if (!isDuplicateKey({ code })) throw err;
        clashes.add(docs[e.index ?? e.err!.index!]!._id);
      }
    }
  });
  return clashes;
}

export type ProductKeyActivities = ReturnType<typeof createProductKeyActivities>;
