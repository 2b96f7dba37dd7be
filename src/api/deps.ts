import type { Models } from '../db/models';
import type { Logger } from '../logger';
import type { ServiceDeps } from '../service-deps';
import type { AuthFailureLimiter } from './auth-failures';
import type { RateLimiter } from './rate-limit';

/** What the route framework needs around every handler: authentication, rate limit, audit, idempotency. */
export interface RouteDeps {
  models: Models;
  logger: Logger;
  rateLimiter: RateLimiter;
  /** Failed authentications per client address, checked before credentials are looked up. */
  authFailures: AuthFailureLimiter;
  /** SHA-256 (hex) of the operator token; operator routes answer 401 without it. */
  operatorTokenHash?: string;
  /** Signs list cursors (src/api/cursor-key.ts): the same in every API process of a deployment. */
  cursorKey: Buffer;
}

/** What the API is built from: the route framework's needs and the services'. */
export interface ApiDeps extends RouteDeps, ServiceDeps {}
