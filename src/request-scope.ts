import { createHash } from 'node:crypto';
import type { Audit } from './audit/record';
import type { AuditActor } from './audit/model';
import { newId, newTimeOrderedId } from './ids';

/**
 * One request as the services see it: who made it (for the audit log), and what
 * names what it makes. With an Idempotency-Key every retry of the request is the
 * same request: the same first-attempt time and key, so the same ids, the same
 * workflow ids and the same update ids — a retry after any crash reaches what the
 * first attempt made instead of making it again.
 */
export interface RequestScope {
  requestId: string;
  /** Who acts (a partner user, a customer, the operator, or an anonymous link holder). */
  actor: AuditActor;
  /** When the request was first made (a retry keeps its first attempt's time). */
  at: Date;
  /** A digest of the caller and its Idempotency-Key; undefined when the request came without one. */
  key?: string;
  /** Records a change the API makes itself (no workflow): actor, partner and request filled in unless given. */
  audit: Audit;
}

const digest = (text: string) => createHash('sha256').update(text, 'utf8').digest('base64url');

/**
 * The id of something this request makes: time-ordered like every id (by the first
 * attempt's time); derived from the request's key when it has one (the same on every
 * retry; `part` tells apart several things of one kind), random otherwise.
 */
export function idFor(request: Pick<RequestScope, 'at' | 'key'>, prefix: string, part = ''): string {
  if (request.key === undefined) return newTimeOrderedId(prefix, request.at);
  return `${prefix}_${request.at.getTime().toString(36).padStart(9, '0')}_${digest(`${request.key}\n${prefix}\n${part}`).slice(0, 11)}`;
}

/** Like idFor, for ids that are not time-ordered (`tok_` and 16 characters). */
export const plainIdFor = (request: Pick<RequestScope, 'key'>, prefix: string): string =>
  request.key === undefined ? newId(prefix) : `${prefix}_${digest(`${request.key}\n${prefix}`).slice(0, 16)}`;

/**
 * The id of a workflow update this request sends: a retry with the same key attaches to
 * the same update (Temporal runs it once and hands every caller its one result).
 */
export const updateIdFor = (request: Pick<RequestScope, 'key'>, what: string): string | undefined =>
  request.key === undefined ? undefined : `req-${digest(`${request.key}\nupdate\n${what}`).slice(0, 22)}`;

/** A request with no Idempotency-Key made by the system itself (scripts, tests). */
export const systemRequest = (audit: Audit, actor: AuditActor = { kind: 'system', id: 'system' }): RequestScope => ({
  requestId: 'system',
  actor,
  at: new Date(),
  audit,
});

/** Who asked, as the workflow that makes the change writes it in the audit log. */
export const requestedBy = (request: Pick<RequestScope, 'actor' | 'requestId'>) => ({ actor: request.actor, requestId: request.requestId });
