/**
 * Webhook delivery under load: `chains` whole onboarding chains through the API, `inFlight` at a
 * time (invite → accept → offer → accept → adjust → delegated admin accepted), each change's events
 * delivered to one local receiver that verifies every signature and takes each id once. Reports the
 * events per second the receiver took while the chains ran, and the delay from each change (the
 * event's time, set by its workflow) to its first arrival: p50, p95, max.
 *
 * The worker and the API are processes of their own on a Temporal dev server and a FerretDB of the
 * benchmark's own; the delivery policy is the default one (first retry after 10 s).
 */
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mapLimit } from '../src/async';
import { verifyWebhook } from '../src/webhooks/signature';
import { apiCaller, benchFerretDB, benchPartner, benchTemporal, connect, percentile, startApi, startWorker } from './support';
import { chainThroughApi } from './throughput';

export interface WebhookBenchResult {
  chains: number;
  inFlight: number;
  seconds: number;
  events: number;
  eventsPerChain: number;
  eventsPerSecond: number;
  delayMs: { p50: number; p95: number; max: number };
  /** The same delay with one chain at a time (nothing else running). */
  idleDelayMs: { p50: number; p95: number };
  /** How long one chain's API calls took under the load: how busy the machine was. */
  chainSeconds: { p50: number; p95: number };
  arrivals: number;
  refused: number;
  missing: number;
  byType: Record<string, number>;
}

/** A chain's events: invitation accepted, trial started, subscription created, offer accepted, licenses changed, delegated admin accepted. */
const EVENTS_PER_CHAIN = 6;

export async function benchWebhooks(chains: number, inFlight: number): Promise<WebhookBenchResult> {
  const f = await benchFerretDB();
  const temporal = await benchTemporal();
  const firstArrival = new Map<string, { at: number; type: string; createdAt: number }>();
  let arrivals = 0;
  let refused = 0;
  let secret = '';
  const receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => take(req.headers, Buffer.concat(chunks).toString('utf8'), res));
  });
  const take = (headers: IncomingHttpHeaders, body: string, res: ServerResponse) => {
    const at = Date.now();
    arrivals++;
    try {
      const event = verifyWebhook<{ id: string; type: string; createdAt: string }>(secret, headers, body);
      if (!firstArrival.has(event.id)) firstArrival.set(event.id, { at, type: event.type, createdAt: Date.parse(event.createdAt) });
      res.writeHead(204).end();
    } catch {
      refused++;
      res.writeHead(401).end();
    }
  };
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  const worker = startWorker(`${f.uri}bench`, temporal.address);
  try {
    const uri = `${f.uri}bench`;
    const { connection: mongo, models } = await connect(uri);
    const { token, partnerId } = await benchPartner(models);
    const api = await startApi(uri, token, { temporalAddress: temporal.address });
    try {
      const call = apiCaller(api.url);
      const endpoint = await call('POST', '/v1/webhook-endpoints', { url: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks` }, token, 201);
      secret = endpoint.secret;
      const chain = chainThroughApi(api.url, token);
      const chainSeconds: number[] = [];
      const timed = async (name: string) => {
        const started = Date.now();
        await chain(name);
        chainSeconds.push((Date.now() - started) / 1000);
      };
      // every event of the partner's so far (EVENTS_PER_CHAIN a chain), delivered
      const allDelivered = async (expected: number) => {
        let recorded: number;
        const deadline = Date.now() + 180_000;
        for (;;) {
          recorded = await models.Event.countDocuments({ partnerId });
          if ((recorded >= expected && firstArrival.size >= recorded) || Date.now() > deadline) return recorded;
          await new Promise((r) => setTimeout(r, 250));
        }
      };
      // unloaded: the worker's first workflows, then chains one at a time
      await mapLimit(['warm-up'], 1, chain);
      await allDelivered(EVENTS_PER_CHAIN);
      const tIdle = Date.now();
      await mapLimit(['idle-1', 'idle-2', 'idle-3'], 1, chain);
      await allDelivered(4 * EVENTS_PER_CHAIN);
      const idle = [...firstArrival.values()].filter((e) => e.createdAt >= tIdle);
      const idleDelays = idle.map((e) => e.at - e.createdAt).sort((a, b) => a - b);
      const t0 = Date.now();
      await mapLimit(
        Array.from({ length: chains }, (_, i) => `webhooks-${i}`),
        inFlight,
        timed,
      );
      const recorded = await allDelivered((4 + chains) * EVENTS_PER_CHAIN);
      const run = [...firstArrival.values()].filter((e) => e.createdAt >= t0);
      chainSeconds.sort((a, b) => a - b);
      const delays = run.map((e) => e.at - e.createdAt).sort((a, b) => a - b);
      const seconds = (Math.max(...run.map((e) => e.at)) - t0) / 1000;
      const byType: Record<string, number> = {};
      for (const e of run) byType[e.type] = (byType[e.type] ?? 0) + 1;
      await mongo.close();
      return {
        chains,
        inFlight,
        seconds,
        events: run.length,
        eventsPerChain: run.length / chains,
        eventsPerSecond: run.length / seconds,
        delayMs: { p50: percentile(delays, 50), p95: percentile(delays, 95), max: delays.at(-1) ?? 0 },
        idleDelayMs: { p50: percentile(idleDelays, 50), p95: percentile(idleDelays, 95) },
        chainSeconds: { p50: percentile(chainSeconds, 50), p95: percentile(chainSeconds, 95) },
        arrivals,
        refused,
        missing: recorded - firstArrival.size,
        byType,
      };
    } finally {
      await api.stop();
    }
  } finally {
    await worker.stop();
    await temporal.stop();
    await f.stop();
    receiver.closeAllConnections();
    receiver.close();
  }
}

export function reportWebhooks(r: WebhookBenchResult): string {
  return [
    `webhooks: ${r.chains} onboarding chains, ${r.inFlight} in flight, every event to one local receiver (signature verified, each id taken once)`,
    `  ${r.events} events (${r.eventsPerChain.toFixed(1)} per chain) delivered in ${r.seconds.toFixed(1)} s: ${r.eventsPerSecond.toFixed(1)} events/s`,
    `  delay from the change to its delivery: p50 ${r.delayMs.p50} ms, p95 ${r.delayMs.p95} ms, max ${r.delayMs.max} ms`,
    `    (one chain at a time: p50 ${r.idleDelayMs.p50} ms, p95 ${r.idleDelayMs.p95} ms; a chain's calls took p50 ${r.chainSeconds.p50.toFixed(1)} s, p95 ${r.chainSeconds.p95.toFixed(1)} s under the load)`,
    `  arrivals ${r.arrivals} (a repeat is a retry or a replay of an id taken), refused signatures ${r.refused}, events recorded but not delivered ${r.missing}`,
    `  by type: ${Object.entries(r.byType)
      .sort()
      .map(([t, n]) => `${t} ${n}`)
      .join(', ')}`,
  ].join('\n');
}
