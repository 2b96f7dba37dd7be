import { createHash } from 'node:crypto';
import { Problem } from './problem';

/**
 * Opaque pagination cursors: the position to continue from, bound to the query
 * that produced it (a cursor of another query is refused, not misapplied).
 */
export function encodeCursor(position: string | number, query: unknown): string {
  return Buffer.from(JSON.stringify({ p: position, q: fingerprint(query) })).toString('base64url');
}

export function decodeCursor<T extends string | number>(cursor: string | undefined, query: unknown, kind: 'string' | 'number'): T | undefined {
  if (cursor === undefined) return undefined;
  try {
    const parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { p?: unknown; q?: unknown };
    if (typeof parsed.p === kind && parsed.q === fingerprint(query)) return parsed.p as T;
  } catch {
    // fall through
  }
  throw new Problem('invalid-cursor', 'the cursor is not one this API issued for this query; start again without it');
}

function fingerprint(query: unknown): string {
  return createHash('sha256').update(JSON.stringify(query ?? null)).digest('base64url').slice(0, 16);
}
