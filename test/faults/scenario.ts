import { mapLimit } from '../../src/async';
import { partnerBody } from '../support/partners';
import { runChain, type ChainActor, type ChainResult } from './chain';
import { SaneClient, type OpResult } from './client';
import { effectsOf, readSnapshot, type ChainEffects, type Snapshot } from './count-effects';
import { DEFAULT_PLAN, FaultInjector, type Fault } from './faults';
import { FaultServers, type UnexpectedExit } from './servers';
import { settle, type Settled } from './settle';

/**
 * The issue's scenario, start to end: the servers; partners and a user per chain; one
 * control chain alone (its effects are what every chain should have); then the chains
 * (at most `inFlight` at once, one started every `startEveryMs`) while the faults strike;
 * the system settles; every effect is read from MongoDB and each customer's token tried.
 */

export interface ScenarioConfig {
  chains: number;
  inFlight: number;
  startEveryMs: number;
  partners: number;
  attemptTimeoutMs: number;
  operationDeadlineMs: number;
  /** The chains stop retrying this long after they started, whatever is left. */
  chainsBoundMs: number;
  settleBoundMs: number;
}

const num = (name: string, fallback: number) => (process.env[name] ? Number(process.env[name]) : fallback);

export const CONFIG: ScenarioConfig = {
  chains: num('FAULTS_CHAINS', 40),
  inFlight: num('FAULTS_IN_FLIGHT', 8),
  startEveryMs: num('FAULTS_START_EVERY_MS', 2_000),
  partners: num('FAULTS_PARTNERS', 4),
  attemptTimeoutMs: num('FAULTS_ATTEMPT_TIMEOUT_MS', 20_000),
  operationDeadlineMs: 240_000,
  // the last chain starts at about 80 s; with a worker killed every ~12 s on two shared cores it may need
  // several minutes more (each kill stalls what that worker held for seconds): a bound on the run, not a latency target
  chainsBoundMs: num('FAULTS_CHAINS_BOUND_MS', 360_000),
  settleBoundMs: 60_000,
};

export interface ScenarioResult {
  config: ScenarioConfig;
  plan: typeof DEFAULT_PLAN;
  dir: string;
  control: { chain: ChainResult; effects: ChainEffects; settled: Settled };
  t0: number;
  chainsEndedAt: number;
  chains: ChainResult[];
  client: SaneClient;
  faults: Fault[];
  unexpectedExits: UnexpectedExit[];
  settled: Settled;
  snapshot: Snapshot;
  effects: ChainEffects[];
  /** GET /v1/customer with each chain's token, after everything settled. */
  tokenChecks: Array<{ chain: string; status: OpResult['status'] | 'no token received'; customerId?: string }>;
}

export async function runScenario(config: ScenarioConfig = CONFIG, log: (line: string) => void = () => undefined): Promise<ScenarioResult> {
  const servers = await FaultServers.start();
  log(`servers up in ${servers.dir} (API ${servers.apiUrl}, Temporal ${servers.temporalAddress}, ${servers.mongodbUri})`);
  try {
    const setup = new SaneClient(servers.apiUrl, {
      attemptTimeoutMs: num('FAULTS_ATTEMPT_TIMEOUT_MS', 20_000),
      operationDeadlineMs: 60_000,
      giveUpAt: Number.POSITIVE_INFINITY,
      maxRetryAfterMs: 5000,
    });
    const actors = await makeActors(setup, servers.operatorToken, config);
    log(`${config.partners} partners and ${actors.length} users made`);

    const [controlActor, ...chainActors] = actors;
    // alone, and step by step: each step's work done before the next, so that it shows every effect a chain has
    const control = await runChain(setup, controlActor!, () => settle(servers.temporalAddress, servers.mongodbUri, 20_000));
    const controlSettled = await settle(servers.temporalAddress, servers.mongodbUri, 30_000);
    const controlEffects = effectsOf(await readSnapshot(servers.mongodbUri), control);
    log(`control chain: ${control.completed ? 'completed' : `stopped at ${control.stoppedAt?.step}`} in ${(control.endedAt - control.startedAt) / 1000} s`);

    const t0 = Date.now();
    const client = new SaneClient(servers.apiUrl, {
      attemptTimeoutMs: config.attemptTimeoutMs,
      operationDeadlineMs: config.operationDeadlineMs,
      giveUpAt: t0 + config.chainsBoundMs,
      maxRetryAfterMs: 10_000,
    });
    const injector = new FaultInjector(servers, client);
    injector.start(t0);
    const chains = await mapLimit(chainActors, config.inFlight, async (actor, i) => {
      await new Promise((r) => setTimeout(r, Math.max(0, t0 + i * config.startEveryMs - Date.now())));
      const r = await runChain(client, actor);
      log(`chain ${r.label}: ${r.completed ? 'completed' : `stopped at ${r.stoppedAt?.step} (${r.stoppedAt?.status} ${r.stoppedAt?.problem ?? ''})`}`);
      return r;
    });
    const chainsEndedAt = Date.now();
    await injector.stop();
    log(`chains done in ${(chainsEndedAt - t0) / 1000} s; faults: ${injector.faults.map((f) => f.kind).join(', ')}`);

    const settled = await settle(servers.temporalAddress, servers.mongodbUri, config.settleBoundMs);
    log(`settled: ${settled.drained ? 'drained' : 'NOT drained'} after ${settled.ms / 1000} s`);
    const snapshot = await readSnapshot(servers.mongodbUri);
    const tokenChecks = await mapLimit(chains, 4, async (c) => {
      if (!c.token) return { chain: c.label, status: 'no token received' as const };
      const res = await setup.call({ chain: c.label, step: 'token-check', method: 'GET', path: '/v1/customer', token: c.token });
      return { chain: c.label, status: res.status, customerId: res.ok ? (res.body?.id as string) : undefined };
    });
    return {
      config,
      plan: DEFAULT_PLAN,
      dir: servers.dir,
      control: { chain: control, effects: controlEffects, settled: controlSettled },
      t0,
      chainsEndedAt,
      chains,
      client,
      faults: injector.faults,
      unexpectedExits: servers.unexpectedExits,
      settled,
      snapshot,
      effects: chains.map((c) => effectsOf(snapshot, c)),
      tokenChecks,
    };
  } finally {
    await servers.stop();
  }
}

/** `config.partners` partners (every authorisation) and a user (customer role full) with a token for the control chain and each chain. */
async function makeActors(client: SaneClient, operatorToken: string, config: ScenarioConfig): Promise<ChainActor[]> {
  const ok = (res: OpResult, what: string) => {
    if (!res.ok) throw new Error(`${what}: ${res.status} ${res.text}`);
    return res.body;
  };
  const partners: Array<{ id: string; email: string; adminToken: string }> = [];
  for (let i = 0; i < config.partners; i++) {
    const body = partnerBody({ name: `Faults Partner ${i}` });
    const made = ok(
      await client.call({ chain: 'setup', step: 'partner', method: 'POST', path: '/v1/operator/partners', body, token: operatorToken }),
      'creating a partner',
    );
    partners.push({ id: made.partner.id as string, email: body.profile.email, adminToken: made.admin.token.token as string });
  }
  const labels = ['control', ...Array.from({ length: config.chains }, (_, i) => `c${String(i + 1).padStart(2, '0')}`)];
  return mapLimit(labels, 4, async (label, i) => {
    const p = partners[i % partners.length]!;
    const step = (s: string) => ({ chain: 'setup', step: s, method: 'POST' as const, token: p.adminToken });
    const user = ok(
      await client.call({
        ...step('user'),
        path: '/v1/users',
        body: { email: `${label}-${p.id}@faults.example`, displayName: `Chain ${label}`, customerRole: 'full' },
      }),
      'creating a user',
    );
    const token = ok(await client.call({ ...step('token'), path: `/v1/users/${user.id}/tokens`, body: {} }), 'issuing a token');
    return { label, partner: { id: p.id, email: p.email }, user: { id: user.id as string, token: token.token as string } };
  });
}
