import { randomUUID } from 'node:crypto';
import { ResponseContractError } from '../support/openapi-check';
import { httpCall, type HttpResult } from '../support/stack';

/**
 * A sane HTTP client: every POST/PUT/PATCH/DELETE carries an Idempotency-Key (one per
 * logical operation, the same on every retry of it); it retries network errors, its own
 * per-attempt time-out, 502/503/504, 429 and 409 idempotency-key-in-use, honouring
 * Retry-After; it follows a 202 to where it points until the work is done; it gives an
 * operation up at its deadline. Every attempt is logged.
 */

/** What one attempt got: an HTTP status, or no answer. */
export type Outcome = number | 'network-error' | 'timeout';

export interface Attempt {
  op: number;
  chain: string;
  step: string;
  method: string;
  path: string;
  key?: string;
  /** A GET following a 202 (a 404 there means "not there yet"). */
  poll: boolean;
  startedAt: number;
  endedAt: number;
  outcome: Outcome;
  /** The problem's slug (`/problems/<slug>`) when the answer was one. */
  problem?: string;
  detail?: string;
}

export interface OpResult extends Pick<Attempt, 'op' | 'chain' | 'step' | 'method' | 'path' | 'key'> {
  ok: boolean;
  /** The final answer's status; 'deadline' when the operation was given up. */
  status: Outcome | 'deadline';
  /** Why it was given up: its own deadline, or the suite's bound on the whole run. */
  gaveUp?: 'operation deadline' | 'suite bound';
  problem?: string;
  body: any;
  /** The final answer as text (its start), for reports. */
  text: string;
  attempts: number;
  startedAt: number;
  endedAt: number;
  /** Some attempt may have taken effect without its answer arriving (no answer, time-out or 5xx). */
  answerLost: boolean;
}

export interface Request {
  chain: string;
  step: string;
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  body?: unknown;
  token?: string;
}

export interface ClientOptions {
  attemptTimeoutMs: number;
  operationDeadlineMs: number;
  /** No operation retries past this moment (the suite's own bound). */
  giveUpAt: number;
  maxRetryAfterMs: number;
}

const RETRIED_STATUSES = new Set([429, 502, 503, 504]);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class SaneClient {
  readonly attempts: Attempt[] = [];
  readonly operations: OpResult[] = [];
  private readonly inFlight = new Map<number, Omit<Attempt, 'endedAt' | 'outcome'>>();
  private nextOp = 1;
  private nextAttempt = 1;

  constructor(
    private readonly baseUrl: string,
    private readonly opts: ClientOptions,
  ) {}

  /** Attempts under way right now that carry an Idempotency-Key. */
  keyedInFlight(): Array<Omit<Attempt, 'endedAt' | 'outcome'>> {
    return [...this.inFlight.values()].filter((a) => a.key !== undefined);
  }

  /** One logical operation, retried until it has a final answer or its deadline passes. */
  async call(req: Request): Promise<OpResult> {
    const op = this.nextOp++;
    const key = req.method === 'GET' ? undefined : randomUUID();
    const startedAt = Date.now();
    const deadline = Math.min(startedAt + this.opts.operationDeadlineMs, this.opts.giveUpAt);
    let attempts = 0;
    let answerLost = false;
    let pollPath: string | undefined;
    for (;;) {
      const poll = pollPath !== undefined;
      attempts++;
      // an attempt never outlives the operation's deadline
      const timeoutMs = Math.max(1000, Math.min(this.opts.attemptTimeoutMs, deadline - Date.now()));
      const { attempt, res, body, text } = await this.attempt(
        op,
        req,
        timeoutMs,
        poll ? { method: 'GET', path: pollPath!, token: req.token } : { method: req.method, path: req.path, body: req.body, token: req.token, key },
        poll,
      );
      const outcome = attempt.outcome;
      let waitMs: number | undefined;
      if (typeof outcome !== 'number') {
        if (!poll && key) answerLost = true;
        waitMs = 1000;
      } else if (RETRIED_STATUSES.has(outcome) || (outcome === 409 && attempt.problem === 'idempotency-key-in-use')) {
        if (!poll && key && outcome >= 500) answerLost = true;
        waitMs = retryAfterMs(res!, this.opts.maxRetryAfterMs);
      } else if (poll && outcome === 404) {
        waitMs = 1000; // accepted, not stored yet
      } else if (outcome === 202 || (poll && outcome === 200 && body?.status === 'pending')) {
        // accepted, in progress: look where it says (else ask again with the same key)
        const location = res!.headers.get('location');
        if (location && !poll) pollPath = location;
        waitMs = retryAfterMs(res!, this.opts.maxRetryAfterMs);
      } else {
        return this.finish({ ...req, op, key, ok: outcome < 300, status: outcome, problem: attempt.problem, body, text, attempts, startedAt, answerLost });
      }
      if (Date.now() + waitMs > deadline) {
        const gaveUp = deadline === this.opts.giveUpAt ? 'suite bound' : 'operation deadline';
        return this.finish({
          ...req,
          op,
          key,
          ok: false,
          status: 'deadline',
          gaveUp,
          problem: attempt.problem,
          body,
          text: `(${gaveUp}; last: ${text})`,
          attempts,
          startedAt,
          answerLost,
        });
      }
      await sleep(waitMs);
    }
  }

  private finish(result: Omit<OpResult, 'endedAt'>): OpResult {
    const done = { ...result, endedAt: Date.now() };
    this.operations.push(done);
    return done;
  }

  private async attempt(
    op: number,
    req: Request,
    timeoutMs: number,
    send: { method: string; path: string; body?: unknown; token?: string; key?: string },
    poll: boolean,
  ): Promise<{ attempt: Attempt; res?: HttpResult; body: any; text: string }> {
    const id = this.nextAttempt++;
    const started = { op, chain: req.chain, step: req.step, method: send.method, path: send.path, key: send.key, poll, startedAt: Date.now() };
    this.inFlight.set(id, started);
    const headers: Record<string, string> = {};
    if (send.token) headers.authorization = `Bearer ${send.token}`;
    if (send.key) headers['idempotency-key'] = send.key;
    try {
      const res = await httpCall(this.baseUrl, send.method, send.path, send.body, headers, timeoutMs);
      const { body, text } = res;
      const problem = typeof body?.type === 'string' && body.type.startsWith('/problems/') ? body.type.slice('/problems/'.length) : undefined;
      const attempt: Attempt = { ...started, endedAt: Date.now(), outcome: res.status, problem, detail: problem ? String(body.detail ?? '') : undefined };
      this.attempts.push(attempt);
      return { attempt, res, body, text: text.slice(0, 500) };
    } catch (err) {
      if (err instanceof ResponseContractError) throw err;
      const e = err as Error & { cause?: { code?: string; message?: string } };
      const timedOut = e.name === 'TimeoutError' || e.name === 'AbortError';
      const detail = timedOut ? `no answer within ${timeoutMs} ms` : `${e.message}${e.cause ? `: ${e.cause.code ?? e.cause.message}` : ''}`;
      const attempt: Attempt = { ...started, endedAt: Date.now(), outcome: timedOut ? 'timeout' : 'network-error', detail };
      this.attempts.push(attempt);
      return { attempt, body: undefined, text: detail };
    } finally {
      this.inFlight.delete(id);
    }
  }
}

/** Retry-After in ms (seconds or an HTTP date), 1 s when absent, capped. */
function retryAfterMs(res: Pick<HttpResult, 'headers'>, capMs: number): number {
  const header = res.headers.get('retry-after');
  if (!header) return 1000;
  const seconds = Number(header);
  const ms = Number.isFinite(seconds) ? seconds * 1000 : new Date(header).getTime() - Date.now();
  return Math.min(capMs, Math.max(250, Number.isFinite(ms) ? ms : 1000));
}
