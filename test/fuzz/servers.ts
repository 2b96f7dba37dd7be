import { FaultServers } from '../faults/servers';

/**
 * A real offerflow on loopback for the fuzzer: FerretDB and a Temporal dev server on free ports
 * with throw-away data, a worker and the API as child processes (the crash suite's servers,
 * which also record a process that dies unasked). The rate limit is lifted: the fuzzer sends
 * thousands of requests per token and 429s would hide what it is testing.
 */
export function startFuzzServers(): Promise<FaultServers> {
  process.env.RATE_LIMIT_PER_MINUTE = '10000000';
  process.env.RATE_LIMIT_BURST = '10000000';
  return FaultServers.start();
}
