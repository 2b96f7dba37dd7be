import { isDuplicateKey } from '../db/duplicate-key';
import type { Models } from '../db/models';
import { funnelMonthId, type FunnelStep } from './model';

export interface FunnelEntry {
  partnerId: string;
  step: FunnelStep;
  /** Who reached it: a customer id (an e-mail address for `invited`). */
  member: string;
  /** When (ISO): the day it counts on, in UTC. */
  at: string;
}

/** Counts one member into its day's step of the funnel; idempotent (a set, by `_id`). */
export async function countInFunnel(models: Models, e: FunnelEntry): Promise<void> {
  const month = e.at.slice(0, 7);
  const day = e.at.slice(8, 10);
  const add = () =>
    models.FunnelMonth.updateOne(
      { _id: funnelMonthId(e.partnerId, e.step, month) },
      {
        $addToSet: { [`days.${day}`]: e.step === 'invited' ? e.member.toLowerCase() : e.member },
        $setOnInsert: { partnerId: e.partnerId, step: e.step, month },
      },
      { upsert: true },
    );
  try {
    await add();
  } catch (err) {
    // two first members of a month at once: one insert wins, the other adds to it
    if (!isDuplicateKey(err)) throw err;
    await add();
  }
}
