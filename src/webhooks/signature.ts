import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Webhook signatures as the Standard Webhooks specification defines them (https://www.standardwebhooks.com,
 * the scheme Svix and others use; Stripe's differs only in its header names), so a receiver can verify with
 * any Standard Webhooks library or with `verifyWebhook` below:
 *
 *   webhook-id:        the event's id (the same on every delivery and replay: dedupe by it)
 *   webhook-timestamp: seconds since the epoch when this attempt was sent
 *   webhook-signature: `v1,<base64 HMAC-SHA256 of "<id>.<timestamp>.<body>">`, keyed by the secret's bytes
 *
 * The secret is shown once, as `whsec_<base64 of 32 random bytes>`.
 */
export const SECRET_PREFIX = 'whsec_';
export const DEFAULT_TOLERANCE_SECONDS = 5 * 60;

export const newWebhookSecret = (): string => `${SECRET_PREFIX}${randomBytes(32).toString('base64')}`;

const keyOf = (secret: string): Buffer => Buffer.from(secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret, 'base64');

/** The `v1,<signature>` of one delivery. */
export function signWebhook(secret: string, id: string, timestampSeconds: number, body: string): string {
  return `v1,${createHmac('sha256', keyOf(secret)).update(`${id}.${timestampSeconds}.${body}`, 'utf8').digest('base64')}`;
}

/** The headers a delivery carries (besides content-type). */
export function webhookHeaders(secret: string, id: string, timestampSeconds: number, body: string): Record<string, string> {
  return { 'webhook-id': id, 'webhook-timestamp': String(timestampSeconds), 'webhook-signature': signWebhook(secret, id, timestampSeconds, body) };
}

export class WebhookVerificationError extends Error {}

/**
 * For receivers: checks a delivery's signature against the endpoint's secret and that its timestamp is
 * within `toleranceSeconds` of now (a replayed old delivery is refused), and returns the parsed event.
 * Pass the raw body exactly as received (not re-serialised JSON). Header names are matched case-insensitively.
 */
export function verifyWebhook<T = unknown>(
  secret: string,
  headers: Record<string, string | string[] | undefined>,
  rawBody: string,
  { toleranceSeconds = DEFAULT_TOLERANCE_SECONDS, nowSeconds = Math.floor(Date.now() / 1000) } = {},
): T {
  const header = (name: string) => {
    const entry = Object.entries(headers).find(([k]) => k.toLowerCase() === name)?.[1];
    const value = Array.isArray(entry) ? entry[0] : entry;
    if (!value) throw new WebhookVerificationError(`missing ${name} header`);
    return value;
  };
  const id = header('webhook-id');
  const timestamp = Number(header('webhook-timestamp'));
  if (!Number.isInteger(timestamp)) throw new WebhookVerificationError('webhook-timestamp is not a number of seconds');
  if (Math.abs(nowSeconds - timestamp) > toleranceSeconds) throw new WebhookVerificationError('webhook-timestamp is too old or too new');
  const expected = Buffer.from(signWebhook(secret, id, timestamp, rawBody).slice(3), 'base64');
  const matches = header('webhook-signature')
    .split(' ')
    .some((candidate) => {
      const [version, signature] = candidate.split(',');
      if (version !== 'v1' || !signature) return false;
      const given = Buffer.from(signature, 'base64');
      return given.length === expected.length && timingSafeEqual(given, expected);
    });
  if (!matches) throw new WebhookVerificationError('no matching signature');
  return JSON.parse(rawBody) as T;
}
