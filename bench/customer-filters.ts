/**
 * The customer list's filters and sorts at scale, through the HTTP API (its own process)
 * on FerretDB: one partner with `customers` customers (about three SKUs each: 300,000
 * subscriptions at 100,000), 20% of them with open service requests of mixed severity,
 * delegated administration in every state, stages mixed. Every scenario pages through
 * its list (first page, then by cursor, starting again after 10 pages); scenarios take
 * turns so that each sees the same machine. Each p95 is set beside the plain list's.
 * Two APIs answer turn about: one with its directory cache (the default), one without
 * (DIRECTORY_CACHE_MB=0); meanwhile the partner's directory takes a batch of changes a
 * second (a new customer, a few others changing), as a busy partner's does.
 */
import { CustomerDirectory } from '../src/customers/directory/directory';
import type { CustomerFactsInput } from '../src/customers/directory/facts';
import { DELEGATED_ADMIN_STATES } from '../src/customers/directory/model';
import { Stage } from '../workflows/stages';
import { fakeCustomer, fakeCustomerId, prng } from './fake-customers';
import { benchFerretDB, benchPartner, connect, ms, percentile, startApi } from './support';

const SKUS = ['BUS-BASIC', 'BUS-STD', 'BUS-PREM', 'ENT-E3', 'ENT-E5', 'MAIL-P1', 'MAIL-P2', 'STOR-P1', 'VOICE-PHONE', 'VOICE-CONF'];
/** Stage mix: [stage, share]. */
const STAGES: Array<[string, number]> = [
  [Stage.Onboarded, 0.45],
  [Stage.TrialActive, 0.2],
  [Stage.Purchased, 0.1],
  [Stage.AwaitingDelegatedAdmin, 0.1],
  [Stage.Suspended, 0.1],
  [Stage.Removed, 0.05],
];
/** Delegated-admin mix: none 35%, pending 10%, active 45%, expiring 10%. */
const DA_SHARES = [0.35, 0.1, 0.45, 0.1];
const PAGES_PER_WALK = 10;

/** The APIs measured: with the directory cache, and without. */
const APIS = ['cached', 'uncached'] as const;
type ApiKind = (typeof APIS)[number];

export interface FilterScenario {
  label: string;
  query: Record<string, string>;
  ms: Record<ApiKind, number[]>;
}

export interface CustomerFiltersResult {
  customers: number;
  subscriptions: number;
  withOpenRequests: number;
  seedSeconds: number;
  scenarios: FilterScenario[];
  /** Batches the directory took while the lists were read. */
  batchesDuring: number;
}

export async function benchCustomerFilters(customers: number, rounds: number): Promise<CustomerFiltersResult> {
  const f = await benchFerretDB();
  try {
    const uri = `${f.uri}bench`;
    const { connection, models } = await connect(uri);
    const { partnerId, token } = await benchPartner(models);

    // Seeded straight through the directory's writer API (as the writer workflow would, in one batch).
    const rand = prng(42);
    const pick = <T>(xs: T[]) => xs[Math.floor(rand() * xs.length)]!;
    const share = <T>(xs: T[], shares: number[]) => {
      let r = rand();
      for (const [i, s] of shares.entries()) if ((r -= s) < 0) return xs[i]!;
      return xs[xs.length - 1]!;
    };
    const start = Date.UTC(2026, 0, 1);
    let subscriptions = 0;
    let withOpenRequests = 0;
    const all = Array.from({ length: customers }, (_, i) => {
      const c = fakeCustomer(i, rand);
      const skus = [...new Set(Array.from({ length: 1 + Math.floor(rand() * 5) }, () => pick(SKUS)))];
      subscriptions += skus.length;
      return {
        ...c,
        skus,
        stage: share(
          STAGES.map(([s]) => s),
          STAGES.map(([, x]) => x),
        ),
      };
    });
    const facts: CustomerFactsInput[] = [];
    const requestCustomers = Math.round(customers * 0.2);
    for (let i = 0; i < customers; i++) {
      const state = share([...DELEGATED_ADMIN_STATES], DA_SHARES);
      const open = i % 5 === 0 && withOpenRequests < requestCustomers;
      if (open) withOpenRequests++;
      const sev = () => (rand() < 0.5 ? 0 : 1 + Math.floor(rand() * 3));
      let openRequests = open ? { critical: rand() < 0.3 ? 1 : 0, moderate: sev(), minimal: sev() } : undefined;
      if (openRequests && openRequests.critical + openRequests.moderate + openRequests.minimal === 0) openRequests = { ...openRequests, minimal: 1 };
      if (state === 'none' && !openRequests) continue;
      facts.push({
        customerId: fakeCustomerId(i),
        at: new Date(start + i * 1000 + Math.floor(rand() * customers * 1000)),
        ...(state === 'none'
          ? {}
          : { delegatedAdmin: { state, ...(state === 'pending' ? {} : { endsAt: new Date(start + 400 * 86_400_000).toISOString() }) } }),
        ...(openRequests ? { openRequests } : {}),
      });
    }
    const t0 = performance.now();
    const writer = new CustomerDirectory(connection);
    const input = (i: number, at: Date) => {
      const c = all[i]!;
      return { partnerId, customerId: fakeCustomerId(i), name: c.name, domain: c.domain, cloud: 'global', status: c.status, stage: c.stage, skus: c.skus, at };
    };
    await writer.apply(
      partnerId,
      all.map((_, i) => input(i, new Date(start + i * 1000))),
      facts,
    );
    const seedSeconds = (performance.now() - t0) / 1000;
    // A batch a second while the lists are read: a new customer, and four others changing status.
    let batchesDuring = 0;
    let writing = true;
    const churn = (async () => {
      let at = start + customers * 1000;
      while (writing) {
        const fresh = all.length;
        all.push({ ...fakeCustomer(fresh, rand), skus: [pick(SKUS)], stage: Stage.TrialActive });
        const changed = Array.from({ length: 4 }, () => Math.floor(rand() * customers));
        for (const i of changed) all[i]!.status = all[i]!.status === 'suspended' ? 'active' : 'suspended';
        await writer.apply(
          partnerId,
          [fresh, ...changed].map((i) => input(i, new Date((at += 1000)))),
        );
        batchesDuring++;
        await new Promise((r) => setTimeout(r, 1000));
      }
    })();

    const qPick = prng(7);
    const substring = () => {
      const c = all[Math.floor(qPick() * all.length)]!;
      const source = qPick() < 0.6 ? c.name : c.domain;
      const len = 3 + Math.floor(qPick() * 6);
      const from = Math.floor(qPick() * Math.max(1, source.length - len));
      return source.slice(from, from + len).trim() || source.slice(0, 3);
    };
    const scenario = (label: string, query: Record<string, string>): FilterScenario => ({ label, query, ms: { cached: [], uncached: [] } });
    const scenarios: FilterScenario[] = [
      scenario('plain list (newest first)', {}),
      ...DELEGATED_ADMIN_STATES.map((s) => scenario(`delegatedAdmin=${s}`, { delegatedAdmin: s })),
      ...['any', 'critical', 'moderate', 'minimal'].map((s) => scenario(`openRequests=${s}`, { openRequests: s })),
      ...STAGES.map(([s]) => scenario(`stage=${s}`, { stage: s })),
      scenario('sort=name', { sort: 'name' }),
      scenario('sort=lastActivity', { sort: 'lastActivity' }),
      scenario('q (substring, random)', { q: '*' }),
      scenario('q + status (random)', { q: '*', status: 'active' }),
      scenario('delegatedAdmin=active&sort=name', { delegatedAdmin: 'active', sort: 'name' }),
      scenario('openRequests=critical&sort=lastActivity', { openRequests: 'critical', sort: 'lastActivity' }),
      scenario('stage=onboarded&sort=name', { stage: Stage.Onboarded, sort: 'name' }),
      scenario('delegatedAdmin=expiring&openRequests=any', { delegatedAdmin: 'expiring', openRequests: 'any' }),
      scenario('openRequests=any&sort=lastActivity', { openRequests: 'any', sort: 'lastActivity' }),
      scenario('q (random) & sort=name', { q: '*', sort: 'name' }),
    ];

    const apis = {
      cached: await startApi(uri, token),
      uncached: await startApi(uri, token, { env: { DIRECTORY_CACHE_MB: '0' } }),
    } satisfies Record<ApiKind, unknown>;
    try {
      const headers = { authorization: `Bearer ${token}` };
      const get = async (api: ApiKind, qs: URLSearchParams) => {
        const t = performance.now();
        const res = await fetch(`${apis[api].url}/v1/customers?${qs}`, { headers });
        const body = (await res.json()) as { items: unknown[]; nextCursor?: string };
        if (res.status !== 200) throw new Error(`list answered ${res.status}: ${JSON.stringify(body)}`);
        return { ms: performance.now() - t, body };
      };
      const walks = scenarios.flatMap(() => APIS.map(() => ({ query: {} as Record<string, string>, cursor: undefined as string | undefined, pages: 0 })));
      for (let round = -3; round < rounds; round++) {
        for (const [i, s] of scenarios.entries()) {
          for (const [k, api] of APIS.entries()) {
            const w = walks[i * APIS.length + k]!;
            if (!w.cursor || w.pages >= PAGES_PER_WALK) {
              w.query = Object.fromEntries(Object.entries(s.query).map(([key, v]) => [key, key === 'q' && v === '*' ? substring() : v]));
              w.cursor = undefined;
              w.pages = 0;
            }
            const page = await get(api, new URLSearchParams({ ...w.query, limit: '25', ...(w.cursor ? { cursor: w.cursor } : {}) }));
            if (round >= 0) s.ms[api].push(page.ms); // the first rounds warm up
            w.cursor = page.body.nextCursor;
            w.pages++;
          }
        }
      }
      return { customers, subscriptions, withOpenRequests, seedSeconds, scenarios, batchesDuring };
    } finally {
      writing = false;
      await churn;
      await connection.close();
      await Promise.all(Object.values(apis).map((a) => a.stop()));
    }
  } finally {
    await f.stop();
  }
}

export function reportCustomerFilters(r: CustomerFiltersResult): string {
  const p = (xs: number[], q: number) =>
    percentile(
      [...xs].sort((a, b) => a - b),
      q,
    );
  const plain95 = Object.fromEntries(APIS.map((api) => [api, p(r.scenarios[0]!.ms[api], 95)])) as Record<ApiKind, number>;
  const cells = (s: FilterScenario, api: ApiKind) => `${ms(p(s.ms[api], 50))} | ${ms(p(s.ms[api], 95))} | ${(p(s.ms[api], 95) / plain95[api]).toFixed(2)}×`;
  return [
    `customer list filters and sorts through the API, ${r.customers.toLocaleString('en')} customers, ${r.subscriptions.toLocaleString('en')} subscriptions, ` +
      `${r.withOpenRequests.toLocaleString('en')} with open service requests, on FerretDB (seeded in ${r.seedSeconds.toFixed(1)} s); pages of 25, ` +
      `each scenario walking ${PAGES_PER_WALK} pages by cursor and starting again; the directory took ${r.batchesDuring} batches of changes meanwhile ` +
      `(one a second). Each p95 is set beside the plain list's p95 of the same API:`,
    `| scenario | n | cached p50 | cached p95 | cached p95 / plain p95 | uncached p50 | uncached p95 | uncached p95 / plain p95 |`,
    `| --- | --- | --- | --- | --- | --- | --- | --- |`,
    ...r.scenarios.map((s) => `| ${s.label} | ${s.ms.cached.length} | ${cells(s, 'cached')} | ${cells(s, 'uncached')} |`),
  ].join('\n');
}
