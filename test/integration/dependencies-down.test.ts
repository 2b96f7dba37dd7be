import path from 'node:path';
import { serverBinaries } from '../../src/local/binaries';
import { startFerretDB, type RunningFerretDB } from '../../src/local/ferretdb';
import { freePort } from '../../src/local/ports';
import { loadConfig } from '../../src/config';
import { seedCatalog } from '../../src/catalog/seed';
import { bearer, createPartner } from '../support/partners';
import { eventually, startTestStack, type TestStack } from '../support/stack';
import { testEnv } from '../support/servers';

const stacks: TestStack[] = [];
const start = async (...args: Parameters<typeof startTestStack>) => {
  const s = await startTestStack(...args);
  stacks.push(s);
  return s;
};
afterAll(async () => {
  await Promise.all(stacks.map((s) => s.stop()));
});

const closedPort = async () => `127.0.0.1:${await freePort()}`;

describe('/healthz and routes while a dependency is down', () => {
  it('answers 200 with each dependency up', async () => {
    const stack = await start();
    const res = await stack.http('GET', '/healthz');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ok', dependencies: { mongodb: { status: 'up' }, temporal: { status: 'up' } } });
  });

  it('MongoDB unreachable: 503 naming it, from /healthz and from routes that read it; never a crash', async () => {
    const stack = await start({ mongodbUri: `mongodb://${await closedPort()}/`, worker: false });
    const health = await stack.http('GET', '/healthz');
    expect(health.status).toBe(503);
    expect(health.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(health.body).toMatchObject({ type: '/problems/dependency-unavailable', detail: 'MongoDB is down' });
    expect(health.body.dependencies.mongodb.status).toBe('down');
    expect(health.body.dependencies.temporal).toEqual({ status: 'up' });

    // authenticating needs MongoDB already
    const read = await stack.http('GET', '/v1/invitations/inv_x', undefined, bearer(`ofp.ptn_x.usr_x.tok_${'a'.repeat(16)}.${'b'.repeat(43)}`));
    expect(read.status).toBe(503);
    expect(read.body).toMatchObject({ type: '/problems/dependency-unavailable', detail: 'MongoDB is unavailable; try again shortly' });
    expect(read.headers.get('retry-after')).toBe('2');
    // still serving
    expect((await stack.http('GET', '/healthz')).status).toBe(503);
  });

  it('Temporal unreachable: 503 naming it, and starting a workflow is a quick 503', async () => {
    const stack = await start({ temporalAddress: await closedPort(), worker: false });
    const health = await stack.http('GET', '/healthz');
    expect(health.status).toBe(503);
    expect(health.body).toMatchObject({ detail: 'Temporal is down' });
    expect(health.body.dependencies.mongodb).toEqual({ status: 'up' });

    const partner = await createPartner(stack);
    const t0 = Date.now();
    const create = await stack.http('POST', '/v1/invitations', { sku: 'BUS-STD' }, bearer(partner.admin.token));
    expect(create.status).toBe(503);
    expect(create.body).toMatchObject({ type: '/problems/dependency-unavailable', detail: 'Temporal is unavailable; try again shortly' });
    expect(create.headers.get('retry-after')).toBe('2');
    expect(Date.now() - t0).toBeLessThan(10_000);
    expect(await stack.models.Invitation.countDocuments()).toBe(0);
    expect(await stack.models.LinkCode.countDocuments()).toBe(0); // nothing left that nothing owns
  });

  it('both unreachable: 503 naming both', async () => {
    const stack = await start({ mongodbUri: `mongodb://${await closedPort()}/`, temporalAddress: await closedPort(), worker: false });
    const health = await stack.http('GET', '/healthz');
    expect(health.status).toBe(503);
    expect(health.body.detail).toBe('MongoDB and Temporal are down');
  });

  describe('a MongoDB outage and its end', () => {
    let ferretdb: RunningFerretDB;
    let port: number;
    const bins = serverBinaries(loadConfig().cacheDir);
    const dataDir = path.join(testEnv('dir'), `outage-${process.pid}`);
    const startOwn = () => startFerretDB({ bin: bins.ferretdb, host: '127.0.0.1', port, dataDir, output: { kind: 'ignore' } });
    beforeAll(async () => {
      port = await freePort();
      ferretdb = await startOwn();
    });
    afterAll(async () => {
      await ferretdb.child.stop();
    });

    it('requests fail fast with 503 during the outage and succeed again after it', async () => {
      const stack = await start({ mongodbUri: ferretdb.uri });
      await eventually(async () => (await stack.http('GET', '/healthz')).status === 200, 10_000, 'healthz 200');
      await seedCatalog(stack.models);
      const partner = await createPartner(stack);

      await ferretdb.child.stop();
      const down = await eventually(
        async () => {
          const r = await stack.http('GET', '/healthz');
          return r.status === 503 && r;
        },
        20_000,
        'healthz 503',
      );
      expect(down.body.dependencies.mongodb.status).toBe('down');
      // even the token check needs MongoDB: a quick 503, nothing half-done
      const refused = await stack.http('POST', '/v1/invitations', { sku: 'BUS-STD' }, bearer(partner.admin.token));
      expect(refused.status).toBe(503);
      expect(refused.body.detail).toBe('MongoDB is unavailable; try again shortly');

      ferretdb = await startOwn();
      await eventually(async () => (await stack.http('GET', '/healthz')).status === 200, 30_000, 'healthz 200 again');
      const created = await stack.http('POST', '/v1/invitations', { sku: 'BUS-STD' }, bearer(partner.admin.token));
      expect(created.status).toBe(201);
    }, 90_000);

    it('nothing is lost: what the worker could not store during the outage is stored once MongoDB is back', async () => {
      // The API reads the run's database; the worker writes to this file's own FerretDB.
      const stack = await start({ workerMongodbUri: ferretdb.uri, updateWaitMs: 1500 });
      const partner = await createPartner(stack);
      await ferretdb.child.stop();

      // The workflow starts, its activity cannot store yet: 202 with where it will be, not an error.
      const created = await stack.http('POST', '/v1/invitations', { sku: 'BUS-STD' }, bearer(partner.admin.token));
      expect(created.status).toBe(202);
      expect(created.headers.get('location')).toBe(`/v1/invitations/${created.body.id}`);
      expect(created.body).toMatchObject({ status: 'pending', workflowId: `invitation:${created.body.id}` });

      ferretdb = await startOwn();
      const stored = await eventually(
        () => stack.workerModels.Invitation.findById(created.body.id).lean(),
        60_000,
        'the invitation to be stored after the outage',
      );
      expect(stored).toMatchObject({ partnerId: partner.id, status: 'active', sku: 'BUS-STD', revision: 1 });
    }, 120_000);
  });
});
