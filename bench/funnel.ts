/**
 * The partner dashboard's first page (GET /dashboard, signed in by its session
 * cookie) for a partner with `customers` customers, and GET /v1/funnel alone
 * (what the page renders its funnel from), in the same run, through the API in
 * its own process on FerretDB.
 *
 * Seeded as the workflows would have left it, but directly: the customers in
 * the partner's directory (bench/fake-customers.ts, as the search benchmark
 * seeds them), and the funnel's read model as `countInFunnel` (src/funnel/count.ts)
 * leaves it, one member per customer and step reached, over the last 60 days: every customer invited and in trial, ~50% sent an offer, ~25%
 * purchased, ~15% with delegated admin active. The funnel's counts for the
 * default period (the last 30 days) are checked against what was seeded.
 */
import type { FunnelEntry } from '../src/funnel/count';
import { FUNNEL_STEPS, funnelMonthId, type FunnelStep } from '../src/funnel/model';
import type { Funnel } from '../src/funnel/service';
import { fakeCustomerId, prng, seedDirectory } from './fake-customers';
import { benchFerretDB, benchPartner, connect, ms, percentile, startApi } from './support';

const DAY_MS = 86_400_000;

export interface FunnelResult {
  customers: number;
  directorySeconds: number;
  funnelSeconds: number;
  funnelCalls: number;
  listed: number;
  listSeconds: number;
  dashboard: number[];
  funnel: number[];
  counts: Funnel;
  expected: Record<FunnelStep, number>;
  monthDocs: { month: string; members: number; bytes: number }[];
}

/** Who reached which step when: day offsets after the invitation, none later than today. */
export function funnelEntries(partnerId: string, customers: { domain: string }[], today: Date, seed = 60): FunnelEntry[] {
  const rand = prng(seed);
  const day = (t: number) => new Date(Math.min(t, today.getTime())).toISOString();
  const entries: FunnelEntry[] = [];
  customers.forEach((c, i) => {
    const member = fakeCustomerId(i);
    let at = today.getTime() - Math.floor(rand() * 60) * DAY_MS;
    entries.push({ partnerId, step: 'invited', member: `admin@${c.domain}`, at: day(at) });
    at += Math.floor(rand() * 3) * DAY_MS;
    entries.push({ partnerId, step: 'trial', member, at: day(at) });
    const r = rand();
    if (r >= 0.5) return;
    at += (1 + Math.floor(rand() * 10)) * DAY_MS;
    entries.push({ partnerId, step: 'offer-sent', member, at: day(at) });
    if (r >= 0.25) return;
    at += Math.floor(rand() * 6) * DAY_MS;
    entries.push({ partnerId, step: 'purchased', member, at: day(at) });
    if (r >= 0.15) return;
    at += Math.floor(rand() * 3) * DAY_MS;
    entries.push({ partnerId, step: 'delegated-admin-active', member, at: day(at) });
  });
  return entries;
}

export async function benchFunnel(customers: number, samples: number): Promise<FunnelResult> {
  const f = await benchFerretDB();
  try {
    const uri = `${f.uri}bench`;
    const { connection, models } = await connect(uri);
    const { partnerId, token } = await benchPartner(models);
    const { all, seconds: directorySeconds } = await seedDirectory(connection, partnerId, customers);
    const entries = funnelEntries(partnerId, all, new Date());
    const t0 = performance.now();
    // Written in bulk as countInFunnel leaves it (test/integration/funnel.test.ts holds it to that):
    // each step and month's members by day, and the counts the dashboard reads.
    const byDoc = new Map<string, { step: FunnelStep; month: string; days: Map<string, Set<string>> }>();
    for (const e of entries) {
      const month = e.at.slice(0, 7);
      const id = funnelMonthId(e.partnerId, e.step, month);
      if (!byDoc.has(id)) byDoc.set(id, { step: e.step, month, days: new Map() });
      const days = byDoc.get(id)!.days;
      const day = e.at.slice(8, 10);
      if (!days.has(day)) days.set(day, new Set());
      days.get(day)!.add(e.step === 'invited' ? e.member.toLowerCase() : e.member);
    }
    const docs = [...byDoc].map(([_id, d]) => ({ _id, ...d, days: Object.fromEntries([...d.days].map(([day, m]) => [day, [...m]])) }));
    await connection.collection('funnel_month_members').insertMany(docs.map(({ _id, days }) => ({ _id, days }) as never));
    await connection
      .collection('funnel_months')
      .insertMany(
        docs.map(
          ({ _id, step, month, days }) =>
            ({ _id, partnerId, step, month, days: Object.fromEntries(Object.entries(days).map(([k, m]) => [k, m.length])) }) as never,
        ),
      );
    const funnelSeconds = (performance.now() - t0) / 1000;
    const monthDocs = (await connection.collection('funnel_months').find({ partnerId }).toArray())
      .map((d) => {
        const days = Object.values(d.days as Record<string, number>);
        return { month: `${d.step} ${d.month}`, members: days.reduce((a, n) => a + n, 0), bytes: JSON.stringify(d).length };
      })
      .sort((a, b) => a.month.localeCompare(b.month));
    await connection.close();

    const api = await startApi(uri, token);
    try {
      const timed = async (path: string, headers: Record<string, string>, expect: (body: string) => boolean) => {
        const t = performance.now();
        const res = await fetch(`${api.url}${path}`, { headers });
        const body = await res.text();
        const took = performance.now() - t;
        if (res.status !== 200 || !expect(body)) throw new Error(`GET ${path} answered ${res.status}: ${body.slice(0, 300)}`);
        return { took, body };
      };
      const dashboard = () => timed('/dashboard', { cookie: `offerflow_partner=${token}`, accept: 'text/html' }, (b) => b.includes('Delegated admin active'));
      const funnel = () => timed('/v1/funnel', { authorization: `Bearer ${token}` }, () => true);

      // /v1/customers sees them all: every page of the plain list
      const l0 = performance.now();
      let listed = 0;
      for (let cursor: string | undefined, first = true; first || cursor; first = false) {
        const page = JSON.parse(
          (await timed(`/v1/customers?limit=100${cursor ? `&cursor=${cursor}` : ''}`, { authorization: `Bearer ${token}` }, () => true)).body,
        );
        listed += page.items.length;
        cursor = page.nextCursor;
      }
      const listSeconds = (performance.now() - l0) / 1000;

      for (let i = 0; i < 20; i++) await Promise.all([dashboard(), funnel()]); // warm up
      const times = { dashboard: [] as number[], funnel: [] as number[] };
      let counts: Funnel | undefined;
      for (let i = 0; i < samples; i++) {
        // one at a time, alternating (ABBA), as people open it
        const order = i % 2 === 0 ? (['dashboard', 'funnel'] as const) : (['funnel', 'dashboard'] as const);
        for (const k of order) {
          const r = await (k === 'dashboard' ? dashboard() : funnel());
          times[k].push(r.took);
          if (k === 'funnel') counts = JSON.parse(r.body) as Funnel;
        }
      }
      const expected = Object.fromEntries(FUNNEL_STEPS.map((s) => [s, 0])) as Record<FunnelStep, number>;
      for (const e of entries) if (e.at.slice(0, 10) >= counts!.from && e.at.slice(0, 10) <= counts!.to) expected[e.step]++;
      return {
        customers,
        directorySeconds,
        funnelSeconds,
        funnelCalls: entries.length,
        listed,
        listSeconds,
        dashboard: times.dashboard.sort((a, b) => a - b),
        funnel: times.funnel.sort((a, b) => a - b),
        counts: counts!,
        expected,
        monthDocs,
      };
    } finally {
      await api.stop();
    }
  } finally {
    await f.stop();
  }
}

export function reportFunnel(r: FunnelResult): string {
  const line = (label: string, s: number[], target?: number) =>
    `  ${label.padEnd(40)} n=${s.length}  p50 ${ms(percentile(s, 50))}  p95 ${ms(percentile(s, 95))}  p99 ${ms(percentile(s, 99))}` +
    (target ? `  (target p95 < ${target} ms: ${percentile(s, 95) < target ? 'met' : `MISSED by ${ms(percentile(s, 95) - target)}`})` : '');
  const ok = r.counts.steps.every((s) => s.count === r.expected[s.step]);
  return [
    `partner dashboard with ${r.customers.toLocaleString('en')} customers on FerretDB, API in its own process, one request at a time, alternating:`,
    `  seeded: directory in ${r.directorySeconds.toFixed(1)} s; funnel read model with ${r.funnelCalls.toLocaleString('en')} members written in bulk in ${r.funnelSeconds.toFixed(1)} s`,
    `  GET /v1/customers lists ${r.listed.toLocaleString('en')} customers (${Math.ceil(r.listed / 100)} pages of 100 in ${r.listSeconds.toFixed(1)} s)`,
    line('GET /dashboard (session cookie)', r.dashboard, 200),
    line('GET /v1/funnel (bearer token)', r.funnel),
    `  funnel ${r.counts.from} … ${r.counts.to} (default 30 days): ${r.counts.steps.map((s) => `${s.label} ${s.count}${s.count === r.expected[s.step] ? '' : ` (seeded ${r.expected[s.step]}!)`}`).join(', ')}` +
      ` — ${ok ? 'equal to what was seeded' : 'NOT what was seeded'}`,
    `  how: ${FUNNEL_STEPS.length} steps × the period's months = ${FUNNEL_STEPS.length * monthsIn(r.counts.from, r.counts.to)} findById on funnel_months (_id partner|step|month), days summed in the API; no scan of customers`,
    `  the partner's month documents (${r.monthDocs.length}; the period reads those of its months): ${r.monthDocs.map((d) => `${d.month}: ${d.members} counted, ${d.bytes} B`).join('; ')}`,
  ].join('\n');
}

const monthsIn = (from: string, to: string) => (Number(to.slice(0, 4)) - Number(from.slice(0, 4))) * 12 + Number(to.slice(5, 7)) - Number(from.slice(5, 7)) + 1;
