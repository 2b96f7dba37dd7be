/**
 * Customer search at scale, through the HTTP API (its own process) on FerretDB:
 * latency of a first page and of the next page for a mix of substring queries
 * (some with status or SKU filters), with `customers` customers in the store.
 */
import { prng, seedDirectory } from './fake-customers';
import { benchFerretDB, benchPartner, connect, ms, percentile, startApi } from './support';

export interface SearchResult {
  customers: number;
  seedSeconds: number;
  first: number[];
  next: number[];
  list: number[];
  naiveRegexMs?: number[];
}

export async function benchSearch(customers: number, samples: number, naive: boolean): Promise<SearchResult> {
  const f = await benchFerretDB();
  try {
    const uri = `${f.uri}bench`;
    const { connection, models } = await connect(uri);
    const { partnerId, token } = await benchPartner(models);
    const { all, seconds: seedSeconds } = await seedDirectory(connection, partnerId, customers);

    let naiveRegexMs: number[] | undefined;
    if (naive) {
      // What a plain collection and a case-insensitive regex cost on FerretDB, for comparison.
      const plain = connection.collection('naive_customers');
      for (let i = 0; i < all.length; i += 5000)
        await plain.insertMany(
          all.slice(i, i + 5000).map((c, j) => ({ _id: `c${i + j}` as never, nameLower: c.name.toLowerCase(), domain: c.domain, status: c.status })),
        );
      naiveRegexMs = [];
      for (const q of ['wind', 'harborlight', 'zz']) {
        const t = performance.now();
        await plain
          .find({ $or: [{ nameLower: { $regex: q } }, { domain: { $regex: q } }] })
          .limit(25)
          .toArray();
        naiveRegexMs.push(performance.now() - t);
      }
    }
    await connection.close();

    const api = await startApi(uri, token);
    try {
      const headers = { authorization: `Bearer ${token}` };
      const get = async (qs: URLSearchParams) => {
        const t = performance.now();
        const res = await fetch(`${api.url}/v1/customers?${qs}`, { headers });
        const body = (await res.json()) as { items: unknown[]; nextCursor?: string };
        if (res.status !== 200) throw new Error(`search answered ${res.status}: ${JSON.stringify(body)}`);
        return { ms: performance.now() - t, body };
      };
      const pick = prng(7);
      const queries = Array.from({ length: samples }, () => {
        const c = all[Math.floor(pick() * all.length)]!;
        const source = pick() < 0.6 ? c.name : c.domain;
        const len = 3 + Math.floor(pick() * 6);
        const start = Math.floor(pick() * Math.max(1, source.length - len));
        const qs = new URLSearchParams({ q: source.slice(start, start + len).trim() || source.slice(0, 3), limit: '25' });
        const r = pick();
        if (r < 0.2) qs.set('status', c.status);
        else if (r < 0.3) qs.set('sku', c.skus[0]!);
        return qs;
      });
      for (const qs of queries.slice(0, 20)) await get(qs); // warm up
      const first: number[] = [];
      const next: number[] = [];
      for (const qs of queries) {
        const a = await get(qs);
        first.push(a.ms);
        if (a.body.nextCursor) next.push((await get(new URLSearchParams({ ...Object.fromEntries(qs), cursor: a.body.nextCursor }))).ms);
      }
      const list: number[] = [];
      let cursor: string | undefined;
      for (let i = 0; i < 50; i++) {
        const page = await get(new URLSearchParams({ limit: '25', ...(cursor ? { cursor } : {}) }));
        list.push(page.ms);
        cursor = page.body.nextCursor;
      }
      return { customers, seedSeconds, first, next, list, naiveRegexMs };
    } finally {
      await api.stop();
    }
  } finally {
    await f.stop();
  }
}

export function reportSearch(r: SearchResult): string {
  const line = (label: string, xs: number[]) => {
    const s = [...xs].sort((a, b) => a - b);
    return `  ${label.padEnd(34)} n=${String(s.length).padEnd(4)} p50 ${ms(percentile(s, 50))}  p95 ${ms(percentile(s, 95))}  p99 ${ms(percentile(s, 99))}`;
  };
  return [
    `customer search through the API, ${r.customers.toLocaleString('en')} customers on FerretDB (seeded in ${r.seedSeconds.toFixed(1)} s):`,
    line('substring query, first page', r.first),
    line('next page (cursor)', r.next),
    line('plain list, pages 1-50', r.list),
    ...(r.naiveRegexMs ? [`  for comparison, a regex over a plain collection: ${r.naiveRegexMs.map(ms).join(', ')}`] : []),
  ].join('\n');
}
