import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { ENV_VARS } from '../../src/config';
import { WORKER_ENV, WORKER_NODE_ARGS } from '../../src/worker/process-tuning';
import { SEARCH_ATTRIBUTES } from '../../workflows/search-attributes';

// No Docker engine runs where the tests run, so this checks what can be checked
// without one: every service the app needs is there, and wired to the others.
const root = path.resolve(__dirname, '../..');
const compose = parse(fs.readFileSync(path.join(root, 'docker-compose.yml'), 'utf8'), { merge: true });
const services: Record<string, any> = compose.services;

const serviceWithImage = (prefix: string) => Object.entries(services).find(([, s]) => String(s.image ?? '').startsWith(prefix));
const envOf = (name: string): Record<string, string> => services[name].environment ?? {};
const dependsOn = (name: string) => Object.keys(services[name].depends_on ?? {});

describe('docker-compose.yml', () => {
  it('has MongoDB 7, PostgreSQL, a Temporal server on PostgreSQL, the Temporal UI, the worker and the API', () => {
    expect(serviceWithImage('mongo:7')).toBeDefined();
    const [pgName] = serviceWithImage('postgres:')!;
    const [temporalName, temporal] = serviceWithImage('temporalio/auto-setup:')!;
    expect(temporal.environment).toMatchObject({ DB: 'postgres12', POSTGRES_SEEDS: pgName });
    expect(dependsOn(temporalName)).toContain(pgName);
    const [uiName, ui] = serviceWithImage('temporalio/ui:')!;
    expect(ui.environment.TEMPORAL_ADDRESS).toBe(`${temporalName}:7233`);
    expect(dependsOn(uiName)).toContain(temporalName);
    expect(services.worker.build).toBe('.');
    expect(services.api.build).toBe('.');
  });

  it("registers exactly the operators' search attributes, as Keyword", () => {
    const registrar = Object.values(services).find((s: any) => (s.entrypoint ?? []).join(' ').includes('search-attribute create'));
    expect(registrar).toBeDefined();
    const args: string[] = registrar.entrypoint;
    const pairs = args.flatMap((a, i) => (a === '--name' ? [`${args[i + 1]}=${args[i + 3]}`] : []));
    expect(pairs.sort()).toEqual(SEARCH_ATTRIBUTES.map((k) => `${k.name}=Keyword`).sort());
    expect(registrar.environment.TEMPORAL_ADDRESS).toMatch(/^temporal:7233$/);
  });

  it.each(['worker', 'api'])('%s reaches MongoDB and Temporal through MONGODB_URI / TEMPORAL_ADDRESS, after both are ready', (name) => {
    const env = envOf(name);
    const mongoHost = new URL(env.MONGODB_URI!).hostname;
    expect(services[mongoHost].image).toMatch(/^mongo:7/);
    const [temporalHost, temporalPort] = env.TEMPORAL_ADDRESS!.split(':');
    expect(services[temporalHost!].image).toMatch(/^temporalio\/auto-setup:/);
    expect(temporalPort).toBe('7233');
    expect(dependsOn(name)).toEqual(expect.arrayContaining([mongoHost, 'temporal-search-attributes']));
    expect(services[name].depends_on['temporal-search-attributes'].condition).toBe('service_completed_successfully');
    // every variable set is one offerflow reads (or, for the worker, its process tuning)
    const tuning = name === 'worker' ? Object.keys(WORKER_ENV) : [];
    expect(Object.keys(env).filter((k) => !(ENV_VARS as string[]).includes(k) && !tuning.includes(k))).toEqual([]);
  });

  it('runs entry points that the build produces', () => {
    for (const name of ['worker', 'api']) {
      const script = (services[name].command as string[]).at(-1)!;
      const source = script!.replace(/^dist\//, '').replace(/\.js$/, '.ts');
      expect(fs.existsSync(path.join(root, source))).toBe(true);
    }
    const build = JSON.parse(fs.readFileSync(path.join(root, 'tsconfig.build.json'), 'utf8'));
    expect(build.include).toEqual(expect.arrayContaining(['src', 'workflows', 'activities']));
    expect(fs.readFileSync(path.join(root, 'Dockerfile'), 'utf8')).toMatch(/npm run build/);
  });

  it('starts the worker tuned as npm start does (src/worker/process-tuning.ts)', () => {
    const command = services.worker.command as string[];
    expect(command.slice(1, -1)).toEqual(WORKER_NODE_ARGS);
    expect(envOf('worker')).toMatchObject(WORKER_ENV);
    // and so does `npm run worker`
    const script: string = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')).scripts.worker;
    for (const arg of WORKER_NODE_ARGS) expect(script).toContain(` ${arg} `);
    for (const [k, v] of Object.entries(WORKER_ENV)) expect(script).toContain(`${k}=\${${k}:-${v}}`);
  });

  it('the API listens on all interfaces inside its container and publishes its port', () => {
    expect(envOf('api')).toMatchObject({ HOST: '0.0.0.0', PORT: '3000' });
    expect(services.api.ports).toContain('3000:3000');
  });
});
