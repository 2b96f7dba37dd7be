import type { Models } from '../db/models';
import { LockBusyError, withLock } from '../db/lock';
import { funnelMonthId, type FunnelStep } from './model';

export interface FunnelEntry {
  partnerId: string;
  step: FunnelStep;
  /** Who reached it: a customer id (an e-mail address for `invited`). */
  member: string;
  /** When (ISO): the day it counts on, in UTC. */
  at: string;
}

interface Batch {
  partnerId: string;
  step: FunnelStep;
  month: string;
  /** Members by day. */
  days: Map<string, Set<string>>;
  done: Array<{ resolve: () => void; reject: (err: unknown) => void }>;
}

/** Per month document: the members waiting for its writer, and whether one is writing. */
const queues = new Map<string, { next?: Batch; writing: boolean }>();

/**
 * The month's lock is held for a write of milliseconds, renewed while it runs: a writer that died
 * holding it (a worker killed) frees it within LOCK_LEASE_MS, and the next writer takes it over.
 * One that still waits after LOCK_WAIT_MS gives up, and those members go uncounted.
 */
const LOCK_LEASE_MS = 2_000;
const LOCK_WAIT_MS = 5_000;

/**
 * Counts one member into its day's step of the funnel, exactly once however
 * often it is called: the member joins the day's set, and the day's count is set
 * to the set's size. FerretDB applies an update by reading and writing the
 * document, so two updates of one document at once can lose one: each month's
 * writes take its lock (src/db/lock.ts), one writer at a time. Members counted
 * meanwhile in this process wait for the next write and go in together, so a
 * burst (50 trials starting at once) takes the lock a few times, not 50.
 */
export function countInFunnel(models: Models, e: FunnelEntry): Promise<void> {
  const month = e.at.slice(0, 7);
  const _id = funnelMonthId(e.partnerId, e.step, month);
  const queue = queues.get(_id) ?? { writing: false };
  queues.set(_id, queue);
  const batch: Batch = (queue.next ??= { partnerId: e.partnerId, step: e.step, month, days: new Map(), done: [] } as Batch);
  const day = e.at.slice(8, 10);
  if (!batch.days.has(day)) batch.days.set(day, new Set());
  batch.days.get(day)!.add(e.step === 'invited' ? e.member.toLowerCase() : e.member);
  const counted = new Promise<void>((resolve, reject) => batch.done.push({ resolve, reject }));
  if (!queue.writing) void drain(models, _id, queue);
  return counted;
}

async function drain(models: Models, _id: string, queue: { next?: Batch; writing: boolean }): Promise<void> {
  queue.writing = true;
  while (queue.next) {
    const batch = queue.next;
    queue.next = undefined;
    try {
      await withLock(models.FunnelMonth.db, `funnel:${_id}`, () => write(models, _id, batch), LOCK_WAIT_MS, LOCK_LEASE_MS);
      batch.done.forEach((d) => d.resolve());
    } catch (err) {
      // The month's lock stayed busy (a live writer stalled, or FerretDB did): the funnel is a
      // read model, and a chain must not wait on it, so these members go uncounted rather than stall it.
      if (err instanceof LockBusyError) batch.done.forEach((d) => d.resolve());
      else batch.done.forEach((d) => d.reject(err));
    }
  }
  queue.writing = false;
  queues.delete(_id);
}

async function write(models: Models, _id: string, b: Batch): Promise<void> {
  const add = Object.fromEntries([...b.days].map(([day, members]) => [`days.${day}`, { $each: [...members] }]));
  await models.FunnelMonthMembers.updateOne({ _id }, { $addToSet: add }, { upsert: true });
  const projection = Object.fromEntries([...b.days.keys()].map((day) => [`days.${day}`, 1]));
  const stored = (await models.FunnelMonthMembers.findById(_id, projection).lean())?.days as unknown as Record<string, string[]> | undefined;
  const counts = Object.fromEntries([...b.days.keys()].map((day) => [`days.${day}`, stored?.[day]?.length ?? 0]));
  await models.FunnelMonth.updateOne({ _id }, { $set: counts, $setOnInsert: { partnerId: b.partnerId, step: b.step, month: b.month } }, { upsert: true });
}
