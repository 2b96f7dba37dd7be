import path from 'node:path';
import { ConfigError, loadConfig, requireConnections } from '../../src/config';

describe('configuration from the environment', () => {
  it('has realistic defaults for the embedded stack', () => {
    const c = loadConfig({ HOME: '/home/u' });
    expect(c).toMatchObject({
      port: 3000,
      host: '127.0.0.1',
      publicUrl: 'http://127.0.0.1:3000',
      temporalNamespace: 'default',
      taskQueue: 'offerflow',
      temporalPort: 7233,
      temporalUiPort: 8233,
      ferretdbPort: 27017,
      dataDir: path.resolve('.data'),
      cacheDir: '/home/u/.cache/offerflow',
      logLevel: 'info',
    });
    expect(c.mongodbUri).toBeUndefined();
    expect(c.temporalAddress).toBeUndefined();
  });

  it('treats empty MONGODB_URI / TEMPORAL_ADDRESS as unset', () => {
    const c = loadConfig({ MONGODB_URI: ' ', TEMPORAL_ADDRESS: '' });
    expect(c.mongodbUri).toBeUndefined();
    expect(c.temporalAddress).toBeUndefined();
  });

  it('names each bad variable and what it got', () => {
    expect(() => loadConfig({ PORT: 'eighty', FERRETDB_PORT: '70000', LOG_LEVEL: 'loud' })).toThrow(ConfigError);
    try {
      loadConfig({ PORT: 'eighty', FERRETDB_PORT: '70000' });
    } catch (err) {
      expect((err as Error).message).toMatch(/PORT: .*\(got "eighty"\)/);
      expect((err as Error).message).toMatch(/FERRETDB_PORT: .*\(got "70000"\)/);
    }
  });

  it('the API and worker processes refuse to start without both addresses and the secret key', () => {
    const key = 'k'.repeat(32);
    expect(() => requireConnections(loadConfig({ TEMPORAL_ADDRESS: 'localhost:7233', OFFERFLOW_SECRET_KEY: key }))).toThrow('MONGODB_URI must be set');
    expect(() => requireConnections(loadConfig({ OFFERFLOW_SECRET_KEY: key }))).toThrow('MONGODB_URI and TEMPORAL_ADDRESS must be set');
    expect(() => requireConnections(loadConfig({}))).toThrow('MONGODB_URI, TEMPORAL_ADDRESS and OFFERFLOW_SECRET_KEY must be set');
    expect(() => requireConnections(loadConfig({ MONGODB_URI: 'mongodb://m/x', TEMPORAL_ADDRESS: 't:7233' }))).toThrow('OFFERFLOW_SECRET_KEY must be set');
    expect(() => loadConfig({ OFFERFLOW_SECRET_KEY: 'short' })).toThrow('OFFERFLOW_SECRET_KEY: must be at least 32 characters');
    expect(requireConnections(loadConfig({ MONGODB_URI: 'mongodb://m/x', TEMPORAL_ADDRESS: 't:7233', OFFERFLOW_SECRET_KEY: key })).mongodbUri).toBe(
      'mongodb://m/x',
    );
  });

  it('webhook settings: real defaults (tries for 3 days, private URLs refused), each changeable', () => {
    expect(loadConfig({}).webhooks).toEqual({
      allowPrivateUrls: false,
      policy: { timeoutMs: 10_000, initialIntervalMs: 10_000, maxIntervalMs: 3_600_000, retryForMs: 3 * 24 * 3_600_000 },
      disableAfterFailedDeliveries: 5,
    });
    expect(loadConfig({ WEBHOOK_ALLOW_PRIVATE_URLS: 'true', WEBHOOK_RETRY_FOR_MS: '60000' }).webhooks).toMatchObject({
      allowPrivateUrls: true,
      policy: { retryForMs: 60_000 },
    });
    expect(() => loadConfig({ WEBHOOK_ALLOW_PRIVATE_URLS: 'yes' })).toThrow('WEBHOOK_ALLOW_PRIVATE_URLS');
    // a longest wait shorter than the first would fail every delivery's scheduling
    expect(() => loadConfig({ WEBHOOK_RETRY_MAX_INTERVAL_MS: '1000' })).toThrow('WEBHOOK_RETRY_MAX_INTERVAL_MS: must be at least WEBHOOK_RETRY_INITIAL_MS');
  });

  it('PUBLIC_URL sets the base of customer links, without a trailing slash', () => {
    expect(loadConfig({ PUBLIC_URL: 'https://offers.example.com/' }).publicUrl).toBe('https://offers.example.com');
  });
});

describe('the README', () => {
  it('documents every environment variable offerflow reads', () => {
    const readme = require('node:fs').readFileSync(path.join(__dirname, '../../README.md'), 'utf8') as string;
    const { ENV_VARS } = require('../../src/config') as typeof import('../../src/config');
    expect(ENV_VARS.filter((v) => !readme.includes(`| \`${v}\``))).toEqual([]);
  });
});
