import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Principal } from '../auth/principal';
import { Problem } from './problem';

/**
 * The cursors callers see. A service pages with a position of its own (see
 * src/db/pagination.ts); at the edge that position is signed, HMAC-SHA256 under
 * the API's cursor key, together with what it is valid for: the list (the
 * route's operation), the caller's partner (or customer) and the filters (path
 * parameters and query, all but `cursor` and `limit`). So a cursor is honoured
 * only by the list, caller and query that it came from, and cannot be forged or
 * altered. Format: base64url(mac ‖ position).
 */
const MAC_BYTES = 32;

/** What a cursor is bound to, as one canonical string. */
export function cursorBinding(operationId: string, principal: Principal | undefined, params: unknown, query: unknown): string {
  const { cursor: _cursor, limit: _limit, ...filters } = (query ?? {}) as Record<string, unknown>;
  return JSON.stringify([operationId, callerOf(principal), sorted(params), sorted(filters)]);
}

export function sealCursor(key: Buffer, binding: string, position: string): string {
  return Buffer.concat([mac(key, binding, position), Buffer.from(position, 'utf8')]).toString('base64url');
}

/** The position inside `cursor`, or a 400 invalid-cursor when this API did not issue it for `binding`. */
export function openCursor(key: Buffer, binding: string, cursor: string): string {
  const bytes = Buffer.from(cursor, 'base64url');
  if (bytes.length > MAC_BYTES) {
    const position = bytes.subarray(MAC_BYTES).toString('utf8');
    if (timingSafeEqual(bytes.subarray(0, MAC_BYTES), mac(key, binding, position))) return position;
  }
  throw new Problem('invalid-cursor', 'the cursor is not one this API issued for this list and query; start again without it');
}

/** The query with its cursor opened, for the handler. */
export function openQueryCursor<Q>(key: Buffer, binding: string, query: Q): Q {
  const cursor = (query as { cursor?: unknown } | undefined)?.cursor;
  return typeof cursor === 'string' ? { ...query, cursor: openCursor(key, binding, cursor) } : query;
}

/** A reply body with its nextCursor sealed, for the caller. */
export function sealNextCursor(key: Buffer, binding: string, body: unknown): unknown {
  const next = (body as { nextCursor?: unknown } | undefined)?.nextCursor;
  return typeof next === 'string' ? { ...(body as object), nextCursor: sealCursor(key, binding, next) } : body;
}

function mac(key: Buffer, binding: string, position: string): Buffer {
  return createHmac('sha256', key).update(binding).update('\n').update(position).digest();
}

function callerOf(p: Principal | undefined): string {
  if (!p) return 'public';
  if (p.kind === 'operator') return 'operator';
  if (p.kind === 'customer') return `customer:${p.customer._id}`;
  return `partner:${p.partner._id}`;
}

const sorted = (o: unknown) => Object.fromEntries(Object.entries((o ?? {}) as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
