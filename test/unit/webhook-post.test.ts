import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { postWebhook } from '../../activities/webhooks/post';

// What one delivery try reports: the receiver's status (a redirect is not followed), or why none came.
let server: Server;
let port: number;
const hits: string[] = [];
beforeAll(async () => {
  server = createServer((req, res) => {
    hits.push(req.url!);
    if (req.url === '/moved') return void res.writeHead(302, { location: '/hooks' }).end();
    if (req.url === '/slow') return; // never answers
    res.writeHead(204).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(() => {
  server.closeAllConnections();
  server.close();
});

const post = (url: string, allowPrivate = true, timeoutMs = 2000) => postWebhook(url, { 'webhook-id': 'evt_1' }, '{}', { timeoutMs, allowPrivate });

describe('a delivery try', () => {
  it('reports the status, and does not follow a redirect', async () => {
    expect(await post(`http://127.0.0.1:${port}/hooks`)).toMatchObject({ status: 204 });
    hits.length = 0;
    expect(await post(`http://127.0.0.1:${port}/moved`)).toMatchObject({ status: 302 });
    expect(hits).toEqual(['/moved']);
  });

  it('gives up after its time-out, and reports a refused connection', async () => {
    const slow = await post(`http://127.0.0.1:${port}/slow`, true, 300);
    expect(slow.status).toBeUndefined();
    expect(slow.error).toBe('no answer within 300 ms');
    expect(slow.latencyMs).toBeGreaterThanOrEqual(290);
    expect((await post('http://127.0.0.1:9/hooks')).error).toMatch(/ECONNREFUSED/);
  });

  it('refuses a name that resolves to an internal address unless private addresses are allowed', async () => {
    hits.length = 0;
    const refused = await post(`http://localhost:${port}/hooks`, false);
    expect(refused.status).toBeUndefined();
    expect(refused.error).toMatch(/localhost resolves to an internal address/);
    expect(hits).toEqual([]);
    expect(await post(`http://localhost:${port}/hooks`, true)).toMatchObject({ status: 204 });
  });
});
