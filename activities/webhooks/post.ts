import http from 'node:http';
import https from 'node:https';
import { guardedLookup } from '../../src/webhooks/url';

export interface PostResult {
  /** The receiver's HTTP status, or undefined when none came (refused, timed out, reset). */
  status?: number;
  error?: string;
  latencyMs: number;
}

/**
 * POSTs one delivery and reports what came back, never throwing: the status (redirects are not
 * followed: a 3xx is not taken), or why none came within `timeoutMs` (connecting included).
 */
export function postWebhook(
  url: string,
  headers: Record<string, string>,
  body: string,
  { timeoutMs, allowPrivate }: { timeoutMs: number; allowPrivate: boolean },
): Promise<PostResult> {
  const started = performance.now();
  const latencyMs = () => Math.round(performance.now() - started);
  return new Promise((resolve) => {
    let settled = false;
    const settle = (r: Omit<PostResult, 'latencyMs'>) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve({ ...r, latencyMs: latencyMs() });
    };
    const target = new URL(url);
    const request = (target.protocol === 'https:' ? https : http).request(target, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), 'user-agent': 'offerflow-webhooks/1' },
      lookup: guardedLookup({ allowPrivate }),
      agent: false,
    });
    const timer = setTimeout(() => {
      request.destroy();
      settle({ error: `no answer within ${timeoutMs} ms` });
    }, timeoutMs);
    request.on('response', (res) => {
      settle({ status: res.statusCode }); // the receiver's body is not read
      res.destroy();
    });
    request.on('error', (err) => settle({ error: err.message }));
    request.end(body);
  });
}
