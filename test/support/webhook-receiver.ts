import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { verifyWebhook } from '../../src/webhooks/signature';

export interface Received {
  id: string;
  headers: IncomingMessage['headers'];
  body: string;
  /** Whether its signature held under the receiver's secret, with a fresh timestamp. */
  verified: boolean;
  at: number;
}

/**
 * A partner's receiver, as the webhook docs tell one to be: it verifies each delivery's signature
 * (401 if it does not hold), and takes each event id once however often it arrives. Its `mode`
 * makes it answer 500 or never answer; `down()` closes its port (connections refused) and `up()`
 * opens the same port again.
 */
export class WebhookReceiver {
  mode: 'ok' | 'error' | 'hang' = 'ok';
  secret = '';
  readonly received: Received[] = [];
  /** Events taken, by id: each once. */
  readonly processed = new Map<string, { type: string; data: Record<string, unknown> }>();
  private server?: Server;
  private port = 0;
  private readonly hanging = new Set<ServerResponse>();

  get url(): string {
    return `http://127.0.0.1:${this.port}/hooks`;
  }

  async up(): Promise<void> {
    const server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => server.listen(this.port, '127.0.0.1', resolve));
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
  }

  async down(): Promise<void> {
    for (const res of this.hanging) res.destroy();
    this.hanging.clear();
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeAllConnections();
    await closed;
  }

  /** Deliveries of one event id. */
  of(id: string): Received[] {
    return this.received.filter((r) => r.id === id);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    let event: { id: string; type: string; data: Record<string, unknown> } | undefined;
    try {
      event = verifyWebhook(this.secret, req.headers, body);
    } catch {
      event = undefined;
    }
    this.received.push({ id: String(req.headers['webhook-id']), headers: req.headers, body, verified: event !== undefined, at: Date.now() });
    if (this.mode === 'hang') {
      this.hanging.add(res);
      return;
    }
    if (this.mode === 'error') return void res.writeHead(500).end('down for maintenance');
    if (!event) return void res.writeHead(401).end('bad signature');
    if (event.id !== req.headers['webhook-id']) return void res.writeHead(400).end('id mismatch');
    if (!this.processed.has(event.id)) this.processed.set(event.id, { type: event.type, data: event.data });
    res.writeHead(204).end();
  }
}
