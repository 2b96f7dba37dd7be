import { Client, Connection, defaultGrpcRetryOptions, isGrpcServiceError, makeGrpcRetryInterceptor } from '@temporalio/client';
import { status as grpcStatus } from '@grpc/grpc-js';
import { updateAdmission } from './update-admission';

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
  const client = new Client({ connection, namespace, interceptors: { workflow: [updateAdmission()] } });
  return { connection, client, close: () => connection.close() };
}

/** Asks Temporal for its system info; rejects when it does not answer within `timeoutMs`. */
export async function pingTemporal(connection: Connection, timeoutMs = 1500): Promise<void> {
  await connection.withDeadline(Date.now() + timeoutMs, () => connection.workflowService.getSystemInfo({}));
}

const UNAVAILABLE_CODES = new Set<number>([grpcStatus.UNAVAILABLE, grpcStatus.DEADLINE_EXCEEDED]);

/** True when `err` (or its cause) means the Temporal frontend could not be reached. */
export function isTemporalUnavailable(err: unknown): boolean {
  return UNAVAILABLE_CODES.has(grpcFailureOf(err)?.code ?? -1) && !isTemporalBusy(err);
}

function grpcFailureOf(err: unknown): { code: number; details: string } | undefined {
  for (let e: unknown = err, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    if (isGrpcServiceError(e)) return { code: e.code, details: String(e.details ?? e.message ?? '') };
  }
  return undefined;
}

/**
 * The server dropped an update it had admitted, to be sent again (its workflow's
 * state left the history service's cache, or a workflow task failed under load):
 * Temporal is up and the update's id makes the repeat harmless.
 */
const UPDATE_ABORTED = /workflow update was aborted|unable to perform workflow execution update|workflow task state is inconsistent/i;

/**
 * True when Temporal is up but turned the call away for now: refused for load
 * (RESOURCE_EXHAUSTED) or an update it aborted, even after the client's retries.
 */
export function isTemporalBusy(err: unknown): boolean {
  const failure = grpcFailureOf(err);
  if (!failure) return false;
  if (failure.code === grpcStatus.RESOURCE_EXHAUSTED) return true;
  return (failure.code === grpcStatus.UNAVAILABLE || failure.code === grpcStatus.FAILED_PRECONDITION) && UPDATE_ABORTED.test(failure.details);
}
