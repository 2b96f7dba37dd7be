/**
 * How a worker process is started (by `npm start`, docker-compose and the
 * benchmarks): a worker holds thousands of open flows that mostly sleep, so its
 * memory is tuned for size rather than for allocation speed.
 * - V8's young generation is kept at 4 MB a half (default 16 MB, per isolate: the
 *   worker has two). At 1 MB a half the worker spent about a seventh of its main
 *   thread's time in scavenges under load (a CPU profile of the throughput benchmark).
 * - glibc's malloc keeps 2 arenas instead of 8 per core for the SDK's native threads.
 * - Its mmap and trim thresholds are fixed at 128 KB. By default the mmap threshold
 *   rises to the largest block freed so far (up to 32 MB), so after a burst of large
 *   buffers (histories, payloads) they are carved out of the arenas, and the arenas
 *   keep that memory once it is free.
 * Together they take about 200 MB off its resident memory after a burst of work
 * (`npm run bench -- memory`).
 */
export const WORKER_NODE_ARGS: readonly string[] = ['--max-semi-space-size=4'];

export const WORKER_ENV: Readonly<Record<string, string>> = {
  MALLOC_ARENA_MAX: '2',
  MALLOC_MMAP_THRESHOLD_: '131072',
  MALLOC_TRIM_THRESHOLD_: '131072',
};
