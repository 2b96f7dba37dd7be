import type { Models } from '../db/models';
import { withLock } from '../db/lock';
import { funnelMonthId, type FunnelStep } from './model';

export interface FunnelEntry {
  partnerId: string;
  step: FunnelStep;
  /** Who reached it: a customer id (an e-mail address for `invited`). */
  member: string;
  /** When (ISO): the day it counts on, in UTC. */
  at: string;
}

/**
 * Counts one member into its day's step of the funnel, exactly once however
 * often it is called: the member joins the day's set, and the day's count is set
 * to the set's size. FerretDB applies an update by reading and writing the
 * document, so two updates of one document at once can lose one: each month's
 * writes take its lock (src/db/lock.ts), one writer at a time.
 */
export async function countInFunnel(models: Models, e: FunnelEntry): Promise<void> {
  const month = e.at.slice(0, 7);
  const day = e.at.slice(8, 10);
  const _id = funnelMonthId(e.partnerId, e.step, month);
  const member = e.step === 'invited' ? e.member.toLowerCase() : e.member;
  // a writer that waits longer than this gives up (LockBusyError): its activity is retried, within its time-out
  const waitMs = 8_000;
  await withLock(
    models.FunnelMonth.db,
    `funnel:${_id}`,
    async () => {
      await models.FunnelMonthMembers.updateOne({ _id }, { $addToSet: { [`days.${day}`]: member } }, { upsert: true });
      const members = await models.FunnelMonthMembers.findById(_id, { [`days.${day}`]: 1 }).lean();
      const count = (members?.days as unknown as Record<string, string[]> | undefined)?.[day]?.length ?? 0;
      await models.FunnelMonth.updateOne(
        { _id },
        { $set: { [`days.${day}`]: count }, $setOnInsert: { partnerId: e.partnerId, step: e.step, month } },
        { upsert: true },
      );
    },
    waitMs,
  );
}
