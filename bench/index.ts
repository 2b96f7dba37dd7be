/**
 * `npm run bench [-- <name> [args]]`: offerflow's benchmarks. Numbers are for
 * comparing within one run on one machine (2 shared cores are noisy).
 */
import { ManagedChild } from '../src/local/child';
import { benchActing, reportActing } from './acting';
import { benchApiOverhead, reportApiOverhead } from './api-overhead';
import { benchCustomerFilters, reportCustomerFilters } from './customer-filters';
import { benchFunnel, reportFunnel } from './funnel';
import { benchPages, reportPages } from './pages';
import { benchProductKeys, reportProductKeys } from './product-keys';
import { benchSearch, reportSearch } from './search';
import { benchStartToHealthy } from './start-to-healthy';
import { benchThroughput, reportThroughput } from './throughput';
import { benchWebhooks, reportWebhooks } from './webhooks';
import { benchWorkerMemory, reportWorkerMemory } from './worker-memory';

const benchmarks: Record<string, (args: string[]) => Promise<void>> = {
  /** search [customers=100000] [samples=300] [--naive] */
  async search(args) {
    const numbers = args.filter((a) => /^\d+$/.test(a)).map(Number);
    console.log(reportSearch(await benchSearch(numbers[0] ?? 100_000, numbers[1] ?? 300, args.includes('--naive'))));
  },
  /** customer-filters [customers=100000] [rounds=60]: each filter and sort of GET /v1/customers beside the plain list */
  async 'customer-filters'(args) {
    console.log(reportCustomerFilters(await benchCustomerFilters(Number(args[0] ?? 100_000), Number(args[1] ?? 60))));
  },
  /** pages [loads=200] [concurrency=20]: the offer page (GET /o/<code>) vs its JSON (GET /v1/links/<code>) */
  async pages(args) {
    console.log(reportPages(await benchPages(Number(args[0] ?? 200), Number(args[1] ?? 20))));
  },
  /** funnel [customers=10000] [samples=200]: the dashboard's first page (GET /dashboard) and GET /v1/funnel */
  async funnel(args) {
    console.log(reportFunnel(await benchFunnel(Number(args[0] ?? 10_000), Number(args[1] ?? 200))));
  },
  /** acting [samples=200]: a limited-role password reset under delegated administration vs a plain authenticated GET */
  async acting(args) {
    console.log(reportActing(await benchActing(Number(args[0] ?? 200))));
  },
  /** product-keys [keys=10000] [batches=3]: bulk registration, POST to done */
  async 'product-keys'(args) {
    console.log(reportProductKeys(await benchProductKeys(Number(args[0] ?? 10_000), Number(args[1] ?? 3))));
  },
  /** webhooks [chains=200] [inFlight=50]: events per second to a local receiver, and the delay from each change to its delivery */
  async webhooks(args) {
    console.log(reportWebhooks(await benchWebhooks(Number(args[0] ?? 200), Number(args[1] ?? 50))));
  },
  /** memory [flows=10000] */
  async memory(args) {
    console.log(reportWorkerMemory(await benchWorkerMemory(Number(args[0] ?? 10_000))));
  },
  /** throughput [chains=200] [inFlight=50] */
  async throughput(args) {
    console.log(reportThroughput(await benchThroughput(Number(args[0] ?? 200), Number(args[1] ?? 50))));
  },
  /** api [seconds=10] */
  async api(args) {
    console.log(reportApiOverhead(await benchApiOverhead(Number(args[0] ?? 10))));
  },
  async start(args) {
    const seconds = await benchStartToHealthy(Number(args[0] ?? 3));
    console.log(`npm start → /healthz 200 (servers built): ${seconds.map((s) => `${s.toFixed(2)} s`).join(', ')} (run 1 on an empty data directory)`);
  },
};

// Stopped by a signal: stop the servers and processes the benchmark started (they run detached).
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void Promise.all([...ManagedChild.running].map((c) => c.stop(2000))).finally(() => process.exit(130));
  });
}

async function main() {
  const [name, ...args] = process.argv.slice(2);
  const selected = name ? { [name]: benchmarks[name] } : benchmarks;
  for (const [n, run] of Object.entries(selected)) {
    if (!run) throw new Error(`no benchmark '${n}'; there are: ${Object.keys(benchmarks).join(', ')}`);
    console.log(`# ${n}`);
    await run(args);
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
