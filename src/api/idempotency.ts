import { createHash } from 'node:crypto';
import type { Request } from 'express';
import type { Models } from '../db/models';
import { isDuplicateKey } from '../db/duplicate-key';
import { Problem, validationProblem } from './problem';
import type { Reply } from './reply';

export const IDEMPOTENCY_TTL_MS = 24 * 3600_000;
/** An in-progress claim older than this belongs to a request that died; it may be taken over. */
const ABANDONED_AFTER_MS = 120_000;
const KEY = /^[\x21-\x7e]{1,255}$/;

/**
 * Runs a creating POST at most once per Idempotency-Key and caller: a retry with
 * the same key and request gets the first response again (with the header
 * Idempotent-Replayed: true); the same key with another request is refused.
 * Without the header the request simply runs. A request that fails releases
 * its key, so it can be retried.
 */
export async function withIdempotency(models: Models, req: Request, caller: string, run: () => Promise<Reply>): Promise<Reply> {
  const key = req.get('Idempotency-Key');
  if (key === undefined) return run();
  if (!KEY.test(key)) {
    throw validationProblem([{ location: 'header', path: 'Idempotency-Key', message: 'must be 1 to 255 visible ASCII characters' }]);
  }
  const id = `${caller}|${key}`;
  const fingerprint = createHash('sha256')
    .update(`${req.method} ${req.originalUrl}\n${canonicalJson(req.body ?? null)}`)
    .digest('hex');

  for (let attempt = 0; ; attempt++) {
    const now = new Date();
    try {
      await models.IdempotencyKey.create({
        _id: id,
        fingerprint,
        state: 'in-progress',
        createdAt: now,
        expiresAt: new Date(now.getTime() + IDEMPOTENCY_TTL_MS),
      });
      break;
    } catch (err) {
      if (!isDuplicateKey(err) || attempt > 2) throw err;
    }
    const seen = await models.IdempotencyKey.findById(id).lean();
    if (!seen) continue; // released meanwhile: claim again
    const abandoned = seen.state === 'in-progress' && now.getTime() - seen.createdAt.getTime() > ABANDONED_AFTER_MS;
    if (seen.expiresAt <= now || abandoned) {
      await models.IdempotencyKey.deleteOne({ _id: id, createdAt: seen.createdAt });
      continue;
    }
    if (seen.fingerprint !== fingerprint) {
      throw new Problem('idempotency-key-reused', `Idempotency-Key '${key}' was used for a different request`);
    }
    if (seen.state === 'in-progress') {
      throw new Problem('idempotency-key-in-use', `a request with Idempotency-Key '${key}' is still in progress`, {}, { 'Retry-After': '1' });
    }
    return {
      status: seen.status!,
      headers: { ...(JSON.parse(seen.headers ?? '{}') as Record<string, string>), 'Idempotent-Replayed': 'true' },
      body: seen.body == null ? undefined : JSON.parse(seen.body),
    };
  }

  let reply: Reply;
  try {
    reply = await run();
  } catch (err) {
    await models.IdempotencyKey.deleteOne({ _id: id }).catch(() => undefined);
    throw err;
  }
  await models.IdempotencyKey.updateOne(
    { _id: id },
    {
      $set: {
        state: 'done',
        status: reply.status,
        headers: JSON.stringify(reply.headers ?? {}),
        body: reply.body === undefined ? undefined : JSON.stringify(reply.body),
      },
    },
  );
  return reply;
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
