/**
 * A server-rendered offer page (GET /o/<code>) against the JSON route it is
 * rendered from (GET /v1/links/<code>), for the same offer in the same run:
 * time to first byte (response headers in) and full load (whole body in), over
 * `loads` loads of each with `concurrency` in flight, on keep-alive connections
 * (a pool per kind, as a browser keeps its own).
 *
 * The offer is made as a partner would: a partner through the operator API, a
 * trial customer (invitation, accepted as a new customer), then an offer of
 * three items to that customer. The API and the worker run in their own
 * processes on a Temporal dev server and a FerretDB of the benchmark's own.
 * Each kind is measured twice: as the customer (page: its session cookie; JSON:
 * its bearer token) and anonymously (whoever opens the e-mailed link).
 * Batches of `2 × concurrency` loads alternate page and JSON, in ABBA order, so
 * that drift (GC, FerretDB's caches, the other processes) favours neither.
 */
import http from 'node:http';
import { mapLimit } from '../src/async';
import { apiCaller, BENCH_OPERATOR_TOKEN, BENCH_PARTNER, createInvitation, ms, percentile, withBenchStack } from './support';

interface Load {
  ttfb: number;
  full: number;
  bytes: number;
}

export interface Series {
  label: string;
  ttfb: number[];
  full: number[];
  bytes: number;
}

export interface PagesResult {
  loads: number;
  concurrency: number;
  items: number;
  pairs: { who: string; page: Series; json: Series }[];
  assets: { path: string; bytes: number; cacheControl: string }[];
}

/** One GET on `agent`: ms to the response's headers and to its last byte. */
function load(agent: http.Agent, url: string, headers: Record<string, string>): Promise<Load> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const req = http.get(url, { agent, headers }, (res) => {
      const ttfb = performance.now() - t0;
      let bytes = 0;
      res.on('data', (chunk: Buffer) => (bytes += chunk.length));
      res.on('end', () => {
        if (res.statusCode !== 200) reject(new Error(`GET ${url} answered ${res.statusCode}`));
        else resolve({ ttfb, full: performance.now() - t0, bytes });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
  });
}

/** Makes the offer through the API, as a partner and its customer would; returns its link's code and the customer's token. */
async function makeOffer(base: string): Promise<{ code: string; customerToken: string; items: number }> {
  const call = apiCaller(base);
  const created = await call('POST', '/v1/operator/partners', BENCH_PARTNER, BENCH_OPERATOR_TOKEN, 201);
  const partnerToken: string = created.admin.token.token;
  const codeOf = (url: string) => url.split('/').pop()!;
  const invitation = await createInvitation(base, partnerToken, { sku: 'BUS-STD', trial: { licenses: 10 } });
  const accepted = await call(
    'POST',
    `/v1/links/${codeOf(invitation.url)}/accept`,
    {
      customer: {
        name: 'Northwind Solar Traders GmbH',
        domain: 'northwindsolar.onmicrosoft.com',
        contact: { name: 'Nadia Nordström', email: 'nadia@northwindsolar.example' },
      },
    },
    undefined,
    201,
  );
  const items = [
    { sku: 'BUS-STD', licenses: 25 },
    { sku: 'MAIL-P1', licenses: 5 },
    { sku: 'VOICE-PHONE', licenses: 12 },
  ];
  const offer = await call('POST', '/v1/offers', { customerIds: [accepted.customer.id], items, delegatedAdmin: { durationDays: 365 } }, partnerToken, 201);
  return { code: codeOf(offer.url), customerToken: accepted.token, items: items.length };
}

export async function benchPages(loads: number, concurrency: number): Promise<PagesResult> {
  return withBenchStack(async (apiUrl) => {
    const { code, customerToken, items } = await makeOffer(apiUrl);
    const kinds = (who: 'customer' | 'anonymous') => ({
      page: {
        label: `GET /o/<code>`,
        url: `${apiUrl}/o/${code}`,
        headers: { accept: 'text/html', ...(who === 'customer' ? { cookie: `offerflow_customer=${customerToken}` } : {}) },
        agent: new http.Agent({ keepAlive: true, maxSockets: concurrency }),
      },
      json: {
        label: `GET /v1/links/<code>`,
        url: `${apiUrl}/v1/links/${code}`,
        headers: { accept: 'application/json', ...(who === 'customer' ? { authorization: `Bearer ${customerToken}` } : {}) },
        agent: new http.Agent({ keepAlive: true, maxSockets: concurrency }),
      },
    });
    type Kind = ReturnType<typeof kinds>['page'];
    const batch = (k: Kind, n: number) => mapLimit(Array.from({ length: n }), concurrency, () => load(k.agent, k.url, k.headers));

    const pairs: PagesResult['pairs'] = [];
    for (const who of ['customer', 'anonymous'] as const) {
      const { page, json } = kinds(who);
      // the page says what it is: the offer's items, for this customer
      const sample = await fetch(page.url, { headers: page.headers });
      const text = await sample.text();
      if (sample.status !== 200 || !text.includes('Phone System')) throw new Error(`the offer page answered ${sample.status} without the offer's items`);
      for (let i = 0; i < 3; i++) {
        await batch(page, concurrency * 2); // warm up both, connections included
        await batch(json, concurrency * 2);
      }
      const got = { page: [] as Load[], json: [] as Load[] };
      const size = concurrency * 2;
      for (let done = 0, round = 0; done < loads; done += size, round++) {
        const n = Math.min(size, loads - done);
        const order = round % 2 === 0 ? (['page', 'json'] as const) : (['json', 'page'] as const);
        for (const k of order) got[k].push(...(await batch(k === 'page' ? page : json, n)));
      }
      const series = (k: Kind, xs: Load[]): Series => ({
        label: k.label,
        ttfb: xs.map((x) => x.ttfb).sort((a, b) => a - b),
        full: xs.map((x) => x.full).sort((a, b) => a - b),
        bytes: xs[0]!.bytes,
      });
      pairs.push({ who, page: series(page, got.page), json: series(json, got.json) });
      page.agent.destroy();
      json.agent.destroy();
    }

    const assets: PagesResult['assets'] = [];
    for (const path of ['/assets/pages.css', '/assets/pages.js']) {
      const res = await fetch(`${apiUrl}${path}`);
      if (res.status !== 200) throw new Error(`GET ${path} answered ${res.status}`);
      assets.push({ path, bytes: (await res.arrayBuffer()).byteLength, cacheControl: res.headers.get('cache-control') ?? '(none)' });
    }
    return { loads, concurrency, items, pairs, assets };
  });
}

export function reportPages(r: PagesResult): string {
  const line = (s: Series) =>
    `    ${s.label.padEnd(22)} ${String(s.bytes).padStart(6)} B  TTFB p50 ${ms(percentile(s.ttfb, 50))}  p95 ${ms(percentile(s.ttfb, 95))}   ` +
    `full load p50 ${ms(percentile(s.full, 50))}  p95 ${ms(percentile(s.full, 95))}`;
  const assetBytes = r.assets.reduce((a, x) => a + x.bytes, 0);
  return [
    `offer page vs its JSON, same offer (${r.items} items, delegated admin asked), ${r.loads} loads of each, ${r.concurrency} in flight, keep-alive; batches of ${r.concurrency * 2} alternate (ABBA):`,
    ...r.pairs.flatMap((p) => {
      const ratio = percentile(p.page.full, 95) / percentile(p.json.full, 95);
      return [
        `  as ${p.who === 'customer' ? 'the customer (page: session cookie; JSON: bearer token)' : 'anonymous (the e-mailed link, no session)'}:`,
        line(p.page),
        line(p.json),
        `    page p95 / JSON p95: full load ${ratio.toFixed(2)} (target ≤ 1.5${ratio <= 1.5 ? ', met' : ', MISSED'}), TTFB ${(percentile(p.page.ttfb, 95) / percentile(p.json.ttfb, 95)).toFixed(2)}`,
      ];
    }),
    `  a browser's first full load adds ${r.assets.map((a) => `${a.path} ${a.bytes} B`).join(' + ')} = ${assetBytes} B (uncompressed; Cache-Control: ${r.assets[0]?.cacheControl}), cached after`,
  ].join('\n');
}
