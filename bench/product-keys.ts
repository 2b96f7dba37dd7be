/**
 * Bulk registration of product keys through the API (its own process) with a worker and
 * Temporal, on FerretDB: after a first registration of one key (the first workflow the new
 * worker runs), `batches` registrations of `keys` fresh keys each, one after the other,
 * each timed from the POST to the poll that finds its job done (polled every 100 ms).
 */
import { fakeProductKey } from './fake-customers';
import { apiCaller, BENCH_OPERATOR_TOKEN, BENCH_PARTNER, ms, withBenchStack } from './support';

export interface ProductKeysResult {
  keys: number;
  /** A first registration of one key after the stack started (the worker's first workflow, the collections made). */
  first: number;
  /** Each batch: until the POST was answered, and until its job was done. */
  seconds: Array<{ answered: number; done: number }>;
}

export async function benchProductKeys(keys: number, batches: number): Promise<ProductKeysResult> {
  return withBenchStack(async (apiUrl) => {
    const call = apiCaller(apiUrl);
    const created = await call('POST', '/v1/operator/partners', BENCH_PARTNER, BENCH_OPERATOR_TOKEN, 201);
    const admin: string = created.admin.token.token;
    const register = async (lines: string[]) => {
      const t0 = performance.now();
      const reg = await call('POST', '/v1/product-keys/registrations', { sku: 'BUS-STD', keys: lines }, admin, 202);
      const answered = (performance.now() - t0) / 1000;
      for (;;) {
        const now = await call('GET', `/v1/product-keys/registrations/${reg.id}`, undefined, admin, 200);
        if (now.status === 'done') {
          if (now.registered !== lines.length) throw new Error(`registered ${now.registered} of ${lines.length}: ${JSON.stringify(now.refused.slice(0, 3))}`);
          break;
        }
        await new Promise((r) => setTimeout(r, 100));
      }
      return { answered, done: (performance.now() - t0) / 1000 };
    };
    const first = (await register([fakeProductKey()])).done;
    const seconds: ProductKeysResult['seconds'] = [];
    for (let b = 0; b < batches; b++) seconds.push(await register(Array.from({ length: keys }, fakeProductKey)));
    return { keys, first, seconds };
  });
}

export function reportProductKeys(r: ProductKeysResult): string {
  return [
    `product key registration through the API, ${r.keys.toLocaleString('en')} fresh keys a batch, from the POST to the poll that finds its job done ` +
      `(after a first registration of one key, done in ${ms(r.first * 1000)}):`,
    ...r.seconds.map(
      (s, i) =>
        `- batch ${i + 1}: done in ${ms(s.done * 1000)} (${Math.round(r.keys / s.done).toLocaleString('en')} keys/s); the POST answered in ${ms(s.answered * 1000)}`,
    ),
  ].join('\n');
}
