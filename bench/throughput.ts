/**
 * Whole onboarding chains per second through the API with `inFlight` customers
 * at a time, against a bare baseline that makes the same Temporal calls.
 *
 * offerflow: the API and the worker as their own compiled processes (as in
 * production) on a Temporal dev server and a FerretDB of the benchmark's own.
 * A chain is: create an invitation → the customer accepts it (tenant, token,
 * trial) → an offer asking for delegated administration → the customer accepts
 * it with other license counts → the customer adjusts licenses → reads and
 * accepts delegated administration → the onboarding reaches `onboarded`
 * (seen in the timeline). Durations are the catalog's defaults (a 30-day trial),
 * so timers are set but none fires during the run.
 *
 * baseline: after offerflow's run, every history on the server is read and the
 * workflow starts, updates, signals and activity calls are counted per chain.
 * A worker of its own (same process layout, same workflow cache) then runs
 * chains that make exactly those numbers of calls, with empty activities.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { mapLimit, waitFor } from '../src/async';
import { ManagedChild } from '../src/local/child';
import { freePort } from '../src/local/ports';
import { WORKER_ENV, WORKER_NODE_ARGS } from '../src/worker/process-tuning';
import { baselineChainWorkflow, baselineDoneSignal, baselineSignal, baselineStepUpdate } from './baseline/workflows';
import { apiCaller, BENCH_SECRET_KEY, benchFerretDB, createInvitation, benchPartner, benchTemporal, buildDist, connect, root } from './support';

export interface TemporalWork {
  starts: number;
  updates: number;
  signals: number;
  activities: number;
  workflowTasks: number;
}

export interface ThroughputResult {
  chains: number;
  inFlight: number;
  offerflow: { seconds: number; perSecond: number; cpuPerChain: Record<string, number> };
  baseline: { seconds: number; perSecond: number; cpuPerChain: Record<string, number> };
  perChain: TemporalWork;
  baselinePerChain: TemporalWork;
  httpCallsPerChain: number;
  /** Database commands per chain sent by each process, by command and collection. */
  commandsPerChain: Record<string, Record<string, number>>;
}

const HTTP_CALLS_PER_CHAIN = 7;

/** CPU seconds a process has used so far (user + system). */
function cpuSeconds(pid: number | undefined): number {
  if (!pid) return 0;
  const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** CPU seconds each named process spends while `run` runs. */
async function cpuDuring<T>(pids: Record<string, number | undefined>, run: () => Promise<T>): Promise<{ result: T; cpu: Record<string, number> }> {
  const self = () => process.cpuUsage();
  const before = Object.fromEntries(Object.entries(pids).map(([k, pid]) => [k, cpuSeconds(pid)]));
  const selfBefore = self();
  const result = await run();
  const selfAfter = self();
  const cpu = Object.fromEntries(Object.entries(pids).map(([k, pid]) => [k, cpuSeconds(pid) - before[k]!]));
  cpu['bench driver'] = (selfAfter.user - selfBefore.user + selfAfter.system - selfBefore.system) / 1e6;
  return { result, cpu };
}

export async function benchThroughput(chains: number, inFlight: number): Promise<ThroughputResult> {
  const f = await benchFerretDB();
  const temporal = await benchTemporal();
  const dir = temporal.dir; // the processes' logs go beside its database
  const children: ManagedChild[] = [];
  const child = (name: string, args: string[], env: Record<string, string>) => {
    const c = new ManagedChild(name, process.execPath, args, {
      env: { ...process.env, ...env },
      output: { kind: 'file', path: path.join(dir, `${name}.log`) },
    });
    children.push(c);
    return c;
  };
  const client = new Client({ connection: await Connection.connect({ address: temporal.address }) });
  try {
    const uri = `${f.uri}bench`;
    const { connection: mongo, models } = await connect(uri);
    const { token } = await benchPartner(models);
    buildDist();
    const port = await freePort();
    const env = {
      MONGODB_URI: uri,
      TEMPORAL_ADDRESS: temporal.address,
      LOG_LEVEL: 'warn',
      PORT: String(port),
      RATE_LIMIT_PER_MINUTE: '100000000',
      RATE_LIMIT_BURST: '100000000',
      OFFERFLOW_SECRET_KEY: BENCH_SECRET_KEY,
    };
    const statsFile = (name: string) => path.join(dir, `${name}-commands.json`);
    const worker = child('worker', [...WORKER_NODE_ARGS, path.join(root, 'dist/src/worker/main.js')], {
      ...WORKER_ENV,
      ...env,
      MONGO_COMMAND_STATS: statsFile('worker'),
    });
    const api = child('api', [path.join(root, 'dist/src/api/main.js')], { ...env, MONGO_COMMAND_STATS: statsFile('api') });
    const base = `http://127.0.0.1:${port}`;
    await waitFor(
      'the API',
      async () => {
        const res = await fetch(`${base}/healthz`);
        if (res.status !== 200) throw new Error(`status ${res.status}`);
      },
      60_000,
      200,
    );

    const chain = chainThroughApi(base, token);
    let started = 0;
    const runChains = async (n: number, label: string) => {
      const t0 = performance.now();
      await mapLimit(
        Array.from({ length: n }, (_, i) => `${label}-${i}`),
        inFlight,
        chain,
      );
      await allOnboarded(models, (started += n));
      return (performance.now() - t0) / 1000;
    };
    await runChains(Math.min(inFlight, chains), 'warm-up');
    await new Promise((r) => setTimeout(r, 1500)); // the processes write their counts every second
    const commandsBefore = { worker: readCounts(statsFile('worker')), api: readCounts(statsFile('api')) };
    const { result: seconds, cpu: offerflowCpu } = await cpuDuring({ temporal: temporal.pid, ferretdb: f.child.pid, worker: worker.pid, api: api.pid }, () =>
      runChains(chains, 'run'),
    );
    const perChain = divide(await countTemporalWork(client), Math.min(inFlight, chains) + chains);
    await api.stop();
    await worker.stop();
    const commandsPerChain = {
      worker: perChainOfCounts(commandsBefore.worker, readCounts(statsFile('worker')), chains),
      api: perChainOfCounts(commandsBefore.api, readCounts(statsFile('api')), chains),
    };
    await mongo.close();

    const baselineWorker = child('baseline-worker', [...WORKER_NODE_ARGS, '--import', 'tsx', path.join(root, 'bench/baseline/worker.ts')], {
      ...WORKER_ENV,
      ...env,
    });
    await waitFor(
      'the baseline worker',
      async () => {
        if (!fs.readFileSync(path.join(dir, 'baseline-worker.log'), 'utf8').includes('baseline worker running')) throw new Error('not yet');
      },
      120_000,
      200,
    );
    const plan = baselinePlan(perChain);
    const runBaseline = async (n: number, label: string) => {
      const t0 = performance.now();
      await mapLimit(
        Array.from({ length: n }, (_, i) => `baseline-${label}-${i}`),
        inFlight,
        (id) => baselineChain(client, id, plan),
      );
      return (performance.now() - t0) / 1000;
    };
    await runBaseline(Math.min(inFlight, chains), 'warm-up');
    const { result: baselineSeconds, cpu: baselineCpu } = await cpuDuring({ temporal: temporal.pid, worker: baselineWorker.pid }, () =>
      runBaseline(chains, 'run'),
    );
    const baselinePerChain = await countTemporalWork(client, (id) => id === 'baseline-run-0' || id.startsWith('baseline-run-0:'));
    await baselineWorker.stop();
    return {
      chains,
      inFlight,
      offerflow: { seconds, perSecond: chains / seconds, cpuPerChain: perChainOf(offerflowCpu, chains) },
      baseline: { seconds: baselineSeconds, perSecond: chains / baselineSeconds, cpuPerChain: perChainOf(baselineCpu, chains) },
      perChain,
      baselinePerChain,
      httpCallsPerChain: HTTP_CALLS_PER_CHAIN,
      commandsPerChain,
    };
  } finally {
    for (const c of children.reverse()) await c.stop();
    await client.connection.close();
    await temporal.stop();
    await f.stop();
  }
}

/** One customer's whole chain through the API; resolves to the customer's id once the last call answered. */
export function chainThroughApi(base: string, partnerToken: string) {
  const call = apiCaller(base);
  const codeOf = (url: string) => url.split('/').pop()!;
  return async (name: string): Promise<string> => {
    const u = `${name}-${Math.random().toString(36).slice(2, 8)}`;
    const invitation = await createInvitation(base, partnerToken, { sku: 'BUS-STD', trial: { licenses: 5 } });
    const accepted = await call(
      'POST',
      `/v1/links/${codeOf(invitation.url)}/accept`,
      { customer: { name: `Throughput ${u}`, domain: `${u}.throughput.example`, contact: { name: 'Tess', email: `tess@${u}.throughput.example` } } },
      undefined,
      201,
    );
    const customerToken: string = accepted.token;
    const offer = await call(
      'POST',
      '/v1/offers',
      { customerIds: [accepted.customer.id], items: [{ sku: 'BUS-STD', licenses: 10 }], delegatedAdmin: { durationDays: 365 } },
      partnerToken,
      201,
    );
    const bought = await call('POST', `/v1/links/${codeOf(offer.url)}/accept`, { licenses: { 'BUS-STD': 14 } }, customerToken, 201);
    await call('POST', `/v1/customer/subscriptions/${accepted.subscriptionId}/licenses`, { licenses: 16 }, customerToken, 200);
    await call('GET', '/v1/customer/delegated-admin', undefined, customerToken, 200);
    await call('POST', `/v1/customer/delegated-admin/${bought.delegatedAdmin.relationshipId}/accept`, undefined, customerToken, 200);
    return accepted.customer.id;
  };
}

/**
 * Waits until `total` onboardings have reached `onboarded` (the last step runs
 * after the last HTTP call answered: the customer's acceptance signals the
 * onboarding). Polled only once every chain's calls are done, so that the
 * benchmark's own queries do not load the database during the run.
 */
async function allOnboarded(models: Awaited<ReturnType<typeof connect>>['models'], total: number): Promise<void> {
  while ((await models.TimelineEvent.countDocuments({ stage: 'onboarded' })) < total) await new Promise((r) => setTimeout(r, 100));
}

/** Counts what the workflow histories on the server hold (every one, or those whose id is picked). */
async function countTemporalWork(client: Client, pick: (workflowId: string) => boolean = () => true): Promise<TemporalWork> {
  const total: TemporalWork = { starts: 0, updates: 0, signals: 0, activities: 0, workflowTasks: 0 };
  const executions: { workflowId: string; runId: string }[] = [];
  for await (const e of client.workflow.list()) if (pick(e.workflowId)) executions.push(e);
  await mapLimit(executions, 16, async ({ workflowId, runId }) => {
    const history = await client.workflow.getHandle(workflowId, runId).fetchHistory();
    for (const e of history.events ?? []) {
      if (e.workflowExecutionStartedEventAttributes) total.starts++;
      else if (e.workflowExecutionUpdateAcceptedEventAttributes) total.updates++;
      else if (e.workflowExecutionSignaledEventAttributes) total.signals++;
      else if (e.activityTaskScheduledEventAttributes) total.activities++;
      else if (e.workflowTaskCompletedEventAttributes) total.workflowTasks++;
    }
  });
  return total;
}

const readCounts = (file: string): Record<string, number> => (fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, 'utf8')) : {});

function perChainOfCounts(before: Record<string, number>, after: Record<string, number>, chains: number): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(after)) {
    const d = (v - (before[k] ?? 0)) / chains;
    if (d > 0) out[k] = d;
  }
  return out;
}

const perChainOf = (cpu: Record<string, number>, chains: number) => Object.fromEntries(Object.entries(cpu).map(([k, s]) => [k, (s * 1000) / chains]));

const divide = (w: TemporalWork, n: number): TemporalWork => Object.fromEntries(Object.entries(w).map(([k, v]) => [k, v / n])) as unknown as TemporalWork;

interface BaselinePlan {
  firstActivities: number;
  steps: { activities: number; children: number }[];
  signals: number;
}

/** Spreads a chain's starts, updates, signals and activities (rounded to whole calls) over the baseline's steps. */
function baselinePlan(w: TemporalWork): BaselinePlan {
  const updates = Math.max(1, Math.round(w.updates));
  const activities = Math.round(w.activities);
  const children = Math.max(0, Math.round(w.starts) - 1);
  const share = (total: number, i: number, parts: number) => Math.floor((total * (i + 1)) / parts) - Math.floor((total * i) / parts);
  const firstActivities = share(activities, 0, updates + 1);
  return {
    firstActivities,
    steps: Array.from({ length: updates }, (_, i) => ({ activities: share(activities, i + 1, updates + 1), children: share(children, i, updates) })),
    signals: Math.max(1, Math.round(w.signals)),
  };
}

/** One baseline chain: a start, then its updates in turn with its signals between them; the last signal ends it. */
async function baselineChain(client: Client, id: string, plan: BaselinePlan): Promise<void> {
  const handle = await client.workflow.start(baselineChainWorkflow, { workflowId: id, taskQueue: 'baseline', args: [plan.firstActivities] });
  let signalsLeft = plan.signals;
  for (const [i, step] of plan.steps.entries()) {
    await handle.executeUpdate(baselineStepUpdate, { args: [step] });
    const signalsNow = Math.floor((plan.signals * (i + 1)) / plan.steps.length) - Math.floor((plan.signals * i) / plan.steps.length);
    for (let s = 0; s < signalsNow && signalsLeft > 1; s++, signalsLeft--) await handle.signal(baselineSignal);
  }
  await handle.signal(baselineDoneSignal);
  await handle.result();
}

export function reportThroughput(r: ThroughputResult): string {
  const work = (w: TemporalWork) =>
    `${w.starts.toFixed(1)} workflow starts, ${w.updates.toFixed(1)} updates, ${w.signals.toFixed(1)} signals, ${w.activities.toFixed(1)} activities, ${w.workflowTasks.toFixed(1)} workflow tasks`;
  const commands = (c: Record<string, number>) => {
    const total = Object.values(c).reduce((a, b) => a + b, 0);
    // Sharded collections (name_00 … name_ff) are summed as name_*.
    const grouped: Record<string, number> = {};
    for (const [k, n] of Object.entries(c)) grouped[k.replace(/_[0-9a-f]{2,3}(?=\(|$)/, '_*')] = (grouped[k.replace(/_[0-9a-f]{2,3}(?=\(|$)/, '_*')] ?? 0) + n;
    const top = Object.entries(grouped)
      .filter(([, n]) => n >= 0.05)
      .sort((a, b) => b[1] - a[1])
      .map(([k, n]) => `${k} ${n.toFixed(1)}`)
      .join(', ');
    return `${total.toFixed(1)} (${top})`;
  };
  const cpu = (c: Record<string, number>) =>
    Object.entries(c)
      .map(([k, ms]) => `${k} ${ms.toFixed(0)}`)
      .join(', ');
  return [
    `onboarding chains, ${r.inFlight} customers in flight, ${r.chains} chains after a warm-up (same Temporal dev server and FerretDB):`,
    `  offerflow through the API: ${r.offerflow.perSecond.toFixed(2)} chains/s (${r.offerflow.seconds.toFixed(1)} s; ${r.httpCallsPerChain} HTTP calls a chain)`,
    `    per chain: ${work(r.perChain)}`,
    `    CPU ms per chain: ${cpu(r.offerflow.cpuPerChain)}`,
    ...Object.entries(r.commandsPerChain).map(([name, c]) => `    database commands per chain from the ${name}: ${commands(c)}`),
    `  bare baseline:             ${r.baseline.perSecond.toFixed(2)} chains/s (${r.baseline.seconds.toFixed(1)} s)`,
    `    per chain: ${work(r.baselinePerChain)}`,
    `    CPU ms per chain: ${cpu(r.baseline.cpuPerChain)}`,
    `  ratio offerflow / baseline: ${(r.offerflow.perSecond / r.baseline.perSecond).toFixed(2)}`,
  ].join('\n');
}
