/**
 * Worker resident memory with many open onboarding flows: `flows` onboardings
 * started (each in a long trial, waiting on its timers), the worker in a process
 * of its own, its RSS read from /proc once every flow has recorded its first stage.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { mapLimit } from '../src/async';
import { loadConfig } from '../src/config';
import { CustomerDirectory } from '../src/customers/directory/directory';
import { ManagedChild } from '../src/local/child';
import { WORKER_ENV, WORKER_NODE_ARGS } from '../src/worker/process-tuning';
import { onboardingWorkflow } from '../workflows';
import { onboardingWorkflowId } from '../workflows/onboarding/start';
import { BENCH_SECRET_KEY, benchFerretDB, benchPartner, benchTemporal, buildDist, connect, root } from './support';

/** Resident memory by what is mapped (anonymous memory, the node binary, native addons…), largest first. */
export function rssByMapping(pid: number): { name: string; mb: number }[] {
  const by = new Map<string, number>();
  let name = '';
  for (const line of fs.readFileSync(`/proc/${pid}/smaps`, 'utf8').split('\n')) {
    const header = /^[0-9a-f]+-[0-9a-f]+ \S+ \S+ \S+ \S+\s*(.*)$/.exec(line);
    if (header) name = header[1] ? path.basename(header[1]) : '[anonymous]';
    const rss = /^Rss:\s+(\d+) kB/.exec(line);
    if (rss) by.set(name, (by.get(name) ?? 0) + Number(rss[1]) / 1024);
  }
  return [...by].map(([n, mb]) => ({ name: n, mb })).sort((a, b) => b.mb - a.mb);
}

const QUIET_MS = Number(process.env.BENCH_QUIET_MS ?? 60_000);
/** How long the directory may take to list every customer after the last flow settled (then the report says how many). */
const LISTING_WAIT_MS = 10 * 60_000;
/** The worker's own log, kept after the run. */
const WORKER_LOG = path.join(os.tmpdir(), 'offerflow-bench-memory-worker.log');
const AHEAD = 200;

const rssMb = (pid: number) => Number(/VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) / 1024;

export async function benchWorkerMemory(flows: number): Promise<{
  flows: number;
  listed: number;
  mostBehind: number;
  startSeconds: number;
  settleSeconds: number;
  idleRssMb: number;
  afterBurstRssMb: number;
  rssMb: number;
  peakRssMb: number;
  mappings: { name: string; mb: number }[];
  maxCachedWorkflows: number;
}> {
  const f = await benchFerretDB();
  const temporal = await benchTemporal();
  let worker: ManagedChild | undefined;
  try {
    const uri = `${f.uri}bench`;
    const { connection: mongo, models } = await connect(uri);
    const { partnerId } = await benchPartner(models);
    // the compiled build, as in production (tsx would add its own memory)
    buildDist();
    // started as npm start and docker-compose start it
    worker = new ManagedChild('worker', process.execPath, [...WORKER_NODE_ARGS, path.join(root, 'dist/src/worker/main.js')], {
      env: { ...WORKER_ENV, ...process.env, MONGODB_URI: uri, TEMPORAL_ADDRESS: temporal.address, LOG_LEVEL: 'warn', OFFERFLOW_SECRET_KEY: BENCH_SECRET_KEY },
      output: { kind: 'file', path: WORKER_LOG },
    });
    const client = new Client({ connection: await Connection.connect({ address: temporal.address }) });
    await new Promise((r) => setTimeout(r, 5000)); // the worker bundles its workflows
    const idleRssMb = rssMb(worker.pid!);
    let peakRssMb = idleRssMb;
    const sampler = setInterval(() => (peakRssMb = Math.max(peakRssMb, rssMb(worker!.pid!))), 500);

    // Customers accept over days, not all in one second: at most AHEAD flows are
    // between their start and their first e-mail at any time (a burst of 10,000 would
    // only measure how the workflow cache thrashes).
    const settledCount = () => models.OutboxMessage.countDocuments({ kind: 'trial-started' });
    let settled = 0;
    let counting: Promise<void> | undefined; // one count at a time, shared by every waiting starter
    const recount = () =>
      (counting ??= settledCount()
        .then((n) => void (settled = Math.max(settled, n)))
        .finally(() => (counting = undefined)));
    // How far the directory falls behind the onboardings while they pour in
    const directory = new CustomerDirectory(mongo);
    let mostBehind = 0;
    const lagSampler = setInterval(() => {
      void Promise.all([settledCount(), directory.count(partnerId)]).then(
        ([s, l]) => (mostBehind = Math.max(mostBehind, s - l)),
        () => undefined,
      );
    }, 5000);
    const t0 = performance.now();
    await mapLimit(
      Array.from({ length: flows }, (_, i) => i),
      50,
      async (i) => {
        while (i - settled > AHEAD) {
          await new Promise((r) => setTimeout(r, 500));
          await recount();
        }
        const customerId = `cus_bench_${i}`;
        await client.workflow.start(onboardingWorkflow, {
          workflowId: onboardingWorkflowId(partnerId, customerId),
          taskQueue: 'offerflow',
          args: [
            {
              partnerId,
              customerId,
              customer: { name: `Bench Customer ${i}`, domain: `bench${i}.example`, cloud: 'global', contactEmail: `c${i}@bench.example`, contactName: 'C' },
              invitationId: 'inv_bench',
              trial: { subscriptionId: `sub_bench_${i}`, sku: 'BUS-STD', licenses: 25, lengthMs: 30 * 86_400_000 },
              reminderOffsetsMs: [7 * 86_400_000, 86_400_000],
              gracePeriodMs: 30 * 86_400_000,
            },
          ],
        });
      },
    );
    const startSeconds = (performance.now() - t0) / 1000;
    clearInterval(lagSampler);
    while ((await settledCount()) < flows) await new Promise((r) => setTimeout(r, 2000));
    // ...and the partner's directory writer has listed every customer (it works through its backlog after the last start)
    const listedBy = performance.now() + LISTING_WAIT_MS;
    let listed = await directory.count(partnerId);
    for (; listed < flows && performance.now() < listedBy; listed = await directory.count(partnerId)) await new Promise((r) => setTimeout(r, 2000));
    const settleSeconds = (performance.now() - t0) / 1000;
    // The flows now sleep (their trials last 30 days): give the worker a minute to go quiet and
    // V8 to hand back what the start-up burst used, then read what the open flows hold.
    const afterBurstRssMb = rssMb(worker.pid!);
    await new Promise((r) => setTimeout(r, QUIET_MS));
    const rss = rssMb(worker.pid!);
    const mappings = rssByMapping(worker.pid!).slice(0, 4);
    clearInterval(sampler);
    await client.connection.close();
    await mongo.close();
    return {
      flows,
      listed,
      mostBehind,
      startSeconds,
      settleSeconds,
      idleRssMb,
      afterBurstRssMb,
      rssMb: rss,
      peakRssMb,
      mappings,
      maxCachedWorkflows: loadConfig().maxCachedWorkflows,
    };
  } finally {
    await worker?.stop();
    await temporal.stop();
    await f.stop();
  }
}

export function reportWorkerMemory(r: Awaited<ReturnType<typeof benchWorkerMemory>>): string {
  return [
    `worker memory with ${r.flows.toLocaleString('en')} open onboarding flows (worker in its own process, ${r.maxCachedWorkflows} workflows cached):`,
    `  started in ${r.startSeconds.toFixed(0)} s (at most ${AHEAD} at a time on their way in), all in their trial and ${r.listed.toLocaleString('en')} listed in the directory after ${r.settleSeconds.toFixed(0)} s`,
    `  the directory: at most ${r.mostBehind.toLocaleString('en')} customers in their trial and not yet listed while the flows started (sampled every 5 s); everyone listed ${(r.settleSeconds - r.startSeconds).toFixed(0)} s after the last start`,
    ...(r.listed < r.flows ? [`  NOT ALL LISTED: the directory writer fell behind (worker log: ${WORKER_LOG})`] : []),
    `  RSS: idle ${r.idleRssMb.toFixed(0)} MB; peak while starting them ${r.peakRssMb.toFixed(0)} MB, right after ${r.afterBurstRssMb.toFixed(0)} MB;`,
    `       with the flows open, after ${QUIET_MS / 1000} s quiet: ${r.rssMb.toFixed(0)} MB`,
    `  of which ${r.mappings.map((m) => `${m.name} ${m.mb.toFixed(0)} MB`).join(', ')}`,
  ].join('\n');
}
