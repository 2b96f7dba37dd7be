import type { Attempt, SaneClient } from './client';
import type { FaultServers } from './servers';

/**
 * The faults, on a plan relative to the moment the chains start: the worker SIGKILLed
 * every 10–20 s (and started again at once) for as long as chains run; the Temporal dev
 * server restarted once; the API SIGKILLed once (at a moment a keyed request is in flight,
 * so that the key's fate can be measured); FerretDB stopped (SIGSTOP) for 20 s. Each fault
 * is recorded with its kind, when it began and when the process was back (ready).
 */

export type FaultKind = 'worker-sigkill' | 'temporal-restart' | 'api-sigkill' | 'ferretdb-stop';

export interface Fault {
  kind: FaultKind;
  startedAt: number;
  /** When the process answered again (the worker polls, the API listens, Temporal serves, FerretDB runs). */
  endedAt: number;
  /** Keyed requests that were in flight when the fault struck (the API kill). */
  inFlight?: Array<Pick<Attempt, 'op' | 'chain' | 'step' | 'method' | 'path' | 'key' | 'startedAt'>>;
}

export interface FaultPlan {
  workerKillEveryMs: [number, number];
  temporalRestartAtMs: number;
  apiKillAtMs: number;
  ferretdbStopAtMs: number;
  ferretdbStopForMs: number;
}

export const DEFAULT_PLAN: FaultPlan = {
  workerKillEveryMs: [10_000, 20_000],
  temporalRestartAtMs: 20_000,
  apiKillAtMs: 40_000,
  ferretdbStopAtMs: 60_000,
  ferretdbStopForMs: 20_000,
};

/** Requests whose keys the API must keep through its crash: the partner's creating POSTs. */
const KEYED_CREATES = /^POST \/v1\/(invitations|offers|customers\/[^/]+\/delegated-admin)$/;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class FaultInjector {
  readonly faults: Fault[] = [];
  private stopping = false;
  private readonly running: Array<Promise<void>> = [];

  constructor(
    private readonly servers: FaultServers,
    private readonly client: SaneClient,
    private readonly plan: FaultPlan = DEFAULT_PLAN,
  ) {}

  /** Starts the plan at `t0`; `stop()` ends the worker kills and waits for every fault under way to be over. */
  start(t0: number): void {
    const at = async (ms: number, fault: () => Promise<void>) => {
      await this.sleepUnlessStopped(t0 + ms - Date.now());
      if (!this.stopping) await fault();
    };
    this.running.push(
      this.workerKills(),
      at(this.plan.temporalRestartAtMs, async () => {
        const startedAt = Date.now();
        const { readyAt } = await this.servers.restartTemporal();
        this.faults.push({ kind: 'temporal-restart', startedAt, endedAt: readyAt });
      }),
      at(this.plan.apiKillAtMs, () => this.killApi()),
      at(this.plan.ferretdbStopAtMs, async () => {
        const startedAt = Date.now();
        this.servers.pauseFerretDB();
        await sleep(this.plan.ferretdbStopForMs);
        this.servers.resumeFerretDB();
        this.faults.push({ kind: 'ferretdb-stop', startedAt, endedAt: Date.now() });
      }),
    );
  }

  async stop(): Promise<void> {
    this.stopping = true;
    await Promise.all(this.running);
    this.faults.sort((a, b) => a.startedAt - b.startedAt);
  }

  private async workerKills(): Promise<void> {
    const [min, max] = this.plan.workerKillEveryMs;
    let lastKill = Date.now();
    for (;;) {
      // every 10–20 s from the last kill, once the worker it started is up
      await this.sleepUnlessStopped(lastKill + min + Math.random() * (max - min) - Date.now());
      if (this.stopping) return;
      lastKill = Date.now();
      const { readyAt } = await this.servers.kill('worker');
      this.faults.push({ kind: 'worker-sigkill', startedAt: lastKill, endedAt: readyAt });
    }
  }

  private async sleepUnlessStopped(ms: number): Promise<void> {
    const until = Date.now() + ms;
    while (!this.stopping && Date.now() < until) await sleep(Math.min(250, until - Date.now()));
  }

  /**
   * Waits (10 s at most) for a partner's creating POST to have been in flight for 50 ms (so that the API has most
   * likely claimed its key: such a request lasts hundreds of ms, as it waits for its workflow), then kills the API.
   */
  private async killApi(): Promise<void> {
    const waitUntil = Date.now() + 10_000;
    const claimed = () => this.client.keyedInFlight().some((a) => KEYED_CREATES.test(`${a.method} ${a.path}`) && Date.now() - a.startedAt >= 50);
    while (Date.now() < waitUntil && !claimed()) await sleep(5);
    const inFlight = this.client
      .keyedInFlight()
      .map(({ op, chain, step, method, path, key, startedAt }) => ({ op, chain, step, method, path, key, startedAt }));
    const startedAt = Date.now();
    const { readyAt } = await this.servers.kill('api');
    this.faults.push({ kind: 'api-sigkill', startedAt, endedAt: readyAt, inFlight });
  }
}

/** How long after a fault its effects are still counted as its own ("recovering"). */
export const RECOVERY_MS = 15_000;

/**
 * The outage window a request was sent in: the fault(s) under way then, else those that ended within
 * RECOVERY_MS before, else 'no fault'. (By when it was sent, so that a request that hung is counted where
 * it began, not in a later outage it outlasted.)
 */
export function windowOf(faults: Fault[], a: Pick<Attempt, 'startedAt'>): string {
  const t = a.startedAt;
  const active = [...new Set(faults.filter((f) => f.startedAt <= t && t <= f.endedAt).map((f) => f.kind))].sort();
  if (active.length > 0) return `during ${active.join(' + ')}`;
  const recovering = [...new Set(faults.filter((f) => f.endedAt < t && t <= f.endedAt + RECOVERY_MS).map((f) => f.kind))].sort();
  if (recovering.length > 0) return `within ${RECOVERY_MS / 1000} s after ${recovering.join(' + ')}`;
  return 'no fault';
}
