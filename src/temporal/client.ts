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
 */
export function openTemporal(address: string, namespace: string): TemporalHandle {
  const connection = Connection.lazy({
    address,
    interceptors: [makeGrpcRetryInterceptor(defaultGrpcRetryOptions({ maxAttempts: 4 }))],
  });
  const client = new Client({ connection, namespace });
  return { connection, client, close: () => connection.close() };
}

/** Asks Temporal for its system info; rejects when it does not answer within `timeoutMs`. */
export async function pingTemporal(connection: Connection, timeoutMs = 1500): Promise<void> {
  await connection.withDeadline(Date.now() + timeoutMs, () => connection.workflowService.getSystemInfo({}));
}

const UNAVAILABLE_CODES = new Set<number>([grpcStatus.UNAVAILABLE, grpcStatus.DEADLINE_EXCEEDED]);

/** True when `err` (or its cause) means the Temporal frontend could not be reached. */
export function isTemporalUnavailable(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    if (isGrpcServiceError(e) && UNAVAILABLE_CODES.has(e.code)) return true;
  }
  return false;
}
