import { Client, Connection, defaultGrpcRetryOptions, isGrpcServiceError, makeGrpcRetryInterceptor } from '@temporalio/client';
import { status as grpcStatus } from '@grpc/grpc-js';

export interface TemporalHandle {
  connection: Connection;
  client: Client;
  close(): Promise<void>;
}

/**
 * A Temporal client that connects lazily, so the API starts (and reports 503)
 * while Temporal is down. Retries are short: a caller waits about a second,
 * not the SDK's default half minute, before hearing that Temporal is unavailable.
 * A busy server (RESOURCE_EXHAUSTED: e.g. more than ten updates in flight on one
 * workflow, as when many customers accept one invitation at once) is given
 * longer, about 15 s, since it is working through what it has.
 */
export function openTemporal(address: string, namespace: string): TemporalHandle {
  const short = defaultGrpcRetryOptions({ maxAttempts: 4 });
  const patient = defaultGrpcRetryOptions({ maxAttempts: 7 });
  const connection = Connection.lazy({
    address,
    interceptors: [
      makeGrpcRetryInterceptor({
        delayFunction: (attempt, status) => (status.code === grpcStatus.RESOURCE_EXHAUSTED ? patient : short).delayFunction(attempt, status),
        retryableDecider: (attempt, status) => (status.code === grpcStatus.RESOURCE_EXHAUSTED ? patient : short).retryableDecider(attempt, status),
      }),
    ],
  });
  const client = new Client({ connection, namespace });
  return { connection, client, close: () => connection.close() };
}

/** Asks Temporal for its system info; rejects when it does not answer within `timeoutMs`. */
export async function pingTemporal(connection: Connection, timeoutMs = 1500): Promise<void> {
  await connection.withDeadline(Date.now() + timeoutMs, () => connection.workflowService.getSystemInfo({}));
}

const UNAVAILABLE_CODES = new Set<number>([grpcStatus.UNAVAILABLE, grpcStatus.DEADLINE_EXCEEDED]);

function grpcCodeOf(err: unknown): number | undefined {
  for (let e: unknown = err, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    if (isGrpcServiceError(e)) return e.code;
  }
  return undefined;
}

/** True when `err` (or its cause) means the Temporal frontend could not be reached. */
export function isTemporalUnavailable(err: unknown): boolean {
  return UNAVAILABLE_CODES.has(grpcCodeOf(err) ?? -1);
}

/** True when Temporal refused for load (RESOURCE_EXHAUSTED) even after the client's retries. */
export function isTemporalBusy(err: unknown): boolean {
  return grpcCodeOf(err) === grpcStatus.RESOURCE_EXHAUSTED;
}
