/**
 * How a worker process is started (by `npm start`, docker-compose and the
 * benchmarks): a worker holds thousands of open flows that mostly sleep, so its
 * memory is tuned for size rather than for allocation speed. V8's young
 * generation is kept at 1 MB a half (default 16 MB, per isolate: the worker has
 * two), and glibc's malloc keeps 2 arenas instead of 8 per core for the SDK's
 * native threads. Together they take about 100 MB off its resident memory.
 */
export const WORKER_NODE_ARGS: readonly string[] = ['--max-semi-space-size=1'];

export const WORKER_ENV: Readonly<Record<string, string>> = { MALLOC_ARENA_MAX: '2' };
