/**
 * What the API costs per request: a plain authenticated GET (token, user and
 * partner read from FerretDB, then answered), beside a GET that touches no
 * database, both under 32 concurrent connections from autocannon.
 */
import autocannon from 'autocannon';
import { benchFerretDB, benchPartner, connect, startApi } from './support';

export interface LoadResult {
  label: string;
  p50: number;
  p99: number;
  rps: number;
  errors: number;
}

async function load(label: string, url: string, headers: Record<string, string>, seconds: number): Promise<LoadResult> {
  const r = await autocannon({ url, connections: 32, duration: seconds, headers });
  const errors = r.errors + r.timeouts + r.non2xx;
  return { label, p50: r.latency.p50, p99: r.latency.p99, rps: r.requests.average, errors };
}

export async function benchApiOverhead(seconds: number): Promise<LoadResult[]> {
  const f = await benchFerretDB();
  try {
    const uri = `${f.uri}bench`;
    const { connection, models } = await connect(uri);
    const { token } = await benchPartner(models);
    await connection.close();
    const api = await startApi(uri, token);
    try {
      const auth = { authorization: `Bearer ${token}` };
      await load('warm-up', `${api.url}/v1/partner`, auth, 2);
      return [
        await load('GET /problems/not-found (no database)', `${api.url}/problems/not-found`, { accept: 'application/json' }, seconds),
        await load('GET /v1/partner (authenticated)', `${api.url}/v1/partner`, auth, seconds),
      ];
    } finally {
      await api.stop();
    }
  } finally {
    await f.stop();
  }
}

export function reportApiOverhead(results: LoadResult[]): string {
  return [
    'API under 32 concurrent connections (autocannon, API in its own process, FerretDB):',
    ...results.map((r) => `  ${r.label.padEnd(40)} p50 ${r.p50} ms  p99 ${r.p99} ms  ${Math.round(r.rps)} req/s${r.errors ? `  ${r.errors} errors` : ''}`),
  ].join('\n');
}
