import { createHash } from 'node:crypto';
import type { Request } from 'express';
import type { Models } from '../db/models';
import { isDuplicateKey } from '../db/duplicate-key';
import { recordIdOf, requestKeyOf, seal, unseal } from '../idempotency/seal';
import { domainProblem } from './domain-problems';
import { Problem, validationProblem } from './problem';
import type { Reply } from './reply';

export const IDEMPOTENCY_TTL_MS = 24 * 3600_000;
/** How long a running request holds its key without renewing it: a crashed request's key is free again this soon. */
export const LEASE_MS = 5_000;
const KEY = /^[\x21-\x7e]{1,255}$/;

/** A request made with an Idempotency-Key, as its handler sees it on every attempt. */
export interface KeyedRequest {
  /** A digest of caller and key: what the request makes is named from it. */
  key: string;
  /** When the request was first made. */
  at: Date;
}

export interface IdempotencyOptions {
  /** A caller nobody authenticated (a link holder) must send a key nobody else can guess. */
  minKeyLength?: number;
  /** Whether a kept answer may be shown again (one carrying a token that no longer works may not). */
  replayable?: (reply: Reply) => Promise<boolean>;
  /** A page's form: its key and what it asks, instead of the HTTP request's header, method, URL and body. */
  form?: { key: string; request: unknown };
}

/**
 * Runs a changing request once per Idempotency-Key and caller: a retry with the same key
 * and request gets the first reply again (`Idempotent-Replayed: true`); the same key with
 * another request is refused. While a request runs it holds its key on a short lease it
 * renews; a retry meanwhile is told to wait. A request that crashed (its process killed)
 * leaves a lapsed lease, and the next retry runs the handler again under the same key and
 * first-attempt time — so it names everything as the first attempt did and meets what that
 * one made (the services derive ids, workflow ids and update ids from the key) instead of
 * making it twice. A refusal (4xx) frees the key; an unfinished run (202, 5xx) lets the
 * next retry take over at once. Without the header the request simply runs.
 */
export async function withIdempotency(
  models: Models,
  req: Request,
  caller: string,
  run: (request: KeyedRequest | undefined) => Promise<Reply>,
  options: IdempotencyOptions = {},
): Promise<Reply> {
  const key = options.form?.key ?? req.get('Idempotency-Key');
  if (key === undefined) return run(undefined);
  const minLength = options.minKeyLength ?? 1;
  if (!KEY.test(key) || key.length < minLength) {
    const length = minLength > 1 ? `${minLength} to 255` : '1 to 255';
    throw validationProblem([{ location: 'header', path: 'Idempotency-Key', message: `must be ${length} visible ASCII characters (a random UUID is best)` }]);
  }
  const id = recordIdOf(caller, key);
  const fingerprint = createHash('sha256')
    .update(options.form ? `form\n${canonicalJson(options.form.request)}` : `${req.method} ${req.originalUrl}\n${canonicalJson(req.body ?? null)}`)
    .digest('hex');

  let firstAt: Date | undefined;
  for (let attempt = 0; firstAt === undefined; attempt++) {
    if (attempt > 4)
      throw new Problem('idempotency-key-in-use', `a request with Idempotency-Key '${key}' is changing hands; retry`, {}, { 'Retry-After': '1' });
    const now = new Date();
    try {
      await models.IdempotencyKey.create({
        _id: id,
        fingerprint,
        state: 'in-progress',
        leaseUntil: new Date(now.getTime() + LEASE_MS),
        createdAt: now,
        expiresAt: new Date(now.getTime() + IDEMPOTENCY_TTL_MS),
      });
      firstAt = now;
      break;
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
    }
    const seen = await models.IdempotencyKey.findById(id).lean();
    if (!seen) continue; // freed meanwhile: claim it
    if (seen.expiresAt <= now) {
      await models.IdempotencyKey.deleteOne({ _id: id, createdAt: seen.createdAt });
      continue;
    }
    if (seen.fingerprint !== fingerprint) {
      throw new Problem('idempotency-key-reused', `Idempotency-Key '${key}' was used for a different request`);
    }
    if (seen.state === 'done' && seen.reply) {
      const reply = unseal<Reply>(caller, key, seen.reply);
      if (options.replayable && !(await options.replayable(reply))) {
        throw new Problem(
          'secret-withdrawn',
          `the request with Idempotency-Key '${key}' succeeded, but the secret its answer carried (a token, a one-time password) no longer works: it is not shown again`,
        );
      }
      return { ...reply, headers: { ...reply.headers, 'Idempotent-Replayed': 'true' } };
    }
    const leaseLeftMs = (seen.leaseUntil?.getTime() ?? 0) - now.getTime();
    if (leaseLeftMs > 0) {
      throw new Problem(
        'idempotency-key-in-use',
        `a request with Idempotency-Key '${key}' is still in progress`,
        {},
        {
          'Retry-After': String(Math.ceil(leaseLeftMs / 1000)),
        },
      );
    }
    // Its request died or gave up unfinished: take it over (one retry wins), keeping its first attempt's time.
    const taken = await models.IdempotencyKey.updateOne(
      { _id: id, state: 'in-progress', leaseUntil: seen.leaseUntil },
      { $set: { leaseUntil: new Date(now.getTime() + LEASE_MS) } },
    );
    if (taken.modifiedCount === 1) firstAt = seen.createdAt;
  }

  const renew = setInterval(() => {
    models.IdempotencyKey.updateOne({ _id: id, state: 'in-progress' }, { $set: { leaseUntil: new Date(Date.now() + LEASE_MS) } }).catch(() => undefined); // it lapses: a retry may take over, and meets the same effects
  }, LEASE_MS / 3);
  renew.unref();
  let reply: Reply;
  try {
    reply = await run({ key: requestKeyOf(caller, key), at: firstAt });
  } catch (err) {
    clearInterval(renew);
    // A refusal made nothing: the key is free for another request. Anything else may have made something: the next retry takes over now.
    const refused = (err instanceof Problem ? err.status : (domainProblem(err)?.status ?? 500)) < 500;
    settleInBackground(req, refused ? () => models.IdempotencyKey.deleteOne({ _id: id, state: 'in-progress' }) : () => lapse(models, id));
    throw err;
  }
  clearInterval(renew);
  if (reply.status === 202) {
    // Accepted, not finished: a retry runs again (and finds it further along), not this answer.
    settleInBackground(req, () => lapse(models, id));
    return reply;
  }
  // Kept before answering: a reply the caller may see is one every retry sees.
  await models.IdempotencyKey.updateOne({ _id: id }, { $set: { state: 'done', reply: seal(caller, key, reply) }, $unset: { leaseUntil: 1 } });
  return reply;
}

const lapse = (models: Models, id: string) => models.IdempotencyKey.updateOne({ _id: id, state: 'in-progress' }, { $set: { leaseUntil: new Date(0) } });

/** Frees or lapses a key after the answer, retried while MongoDB is away; should all tries fail, the lease lapses by itself. */
function settleInBackground(req: Request, write: () => Promise<unknown>): void {
  void (async () => {
    for (let attempt = 0; attempt < 5; attempt++) {
      try {
        await write();
        return;
      } catch (err) {
        if (attempt === 4) req.log?.warn({ err: (err as Error).message }, `Idempotency-Key not settled; its lease lapses within ${LEASE_MS} ms`);
        else await new Promise((r) => setTimeout(r, 200 * 2 ** attempt));
      }
    }
  })();
}

/** JSON with object keys sorted, so equal bodies give equal fingerprints. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
