import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { promisify } from 'node:util';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { waitFor } from '../../src/async';
import { freePort } from '../../src/local/ports';
import { httpCall } from '../support/stack';
import { descendants, isAlive } from '../support/processes';
import { testEnv } from '../support/servers';
import { bearer, partnerBody } from '../support/partners';

const OPERATOR_TOKEN = 'ofo.npm-start-test-operator-token-0123456789';
const SECRET_KEY = 'npm-start-test-secret-key-0123456789abcdef';

/** Creates a partner through the operator API, then an invitation as its admin; returns the invitation. */
async function invite(api: string, operatorToken: string) {
  const partner = await httpCall(api, 'POST', '/v1/operator/partners', partnerBody(), bearer(operatorToken));
  expect(partner.status).toBe(201);
  const created = await httpCall(api, 'POST', '/v1/invitations', { sku: 'BUS-STD' }, bearer(partner.body.admin.token.token));
  expect(created.status).toBe(201);
  return { invitation: created.body, adminToken: partner.body.admin.token.token as string };
}

const root = path.resolve(__dirname, '../..');
const execFileAsync = promisify(execFile);

interface Started {
  child: ChildProcess;
  output: () => string;
  /** The exit code, or the signal npm re-raised on itself after its script stopped cleanly. */
  exited: Promise<number | string | null>;
}

/** Runs `npm start` in its own process group, as a terminal would. */
function npmStart(env: Record<string, string | undefined>): Started {
  const childEnv: NodeJS.ProcessEnv = { ...process.env, ...env, LOG_LEVEL: 'warn' };
  for (const [k, v] of Object.entries(env)) if (v === undefined) delete childEnv[k];
  const child = spawn('npm', ['start'], { cwd: root, env: childEnv, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  const exited = new Promise<number | string | null>((resolve) => child.on('exit', (code, signal) => resolve(code ?? signal)));
  return { child, output: () => output, exited };
}

async function waitForOutput(s: Started, pattern: RegExp, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!pattern.test(s.output())) {
    if (Date.now() > deadline) throw new Error(`no ${pattern} in npm start's output:\n${s.output()}`);
    if (s.child.exitCode !== null) throw new Error(`npm start exited (${s.child.exitCode}) before ${pattern}:\n${s.output()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Resolves once none of `pids` runs any more; fails naming the survivors after 20 s. */
const allDead = (pids: number[]) =>
  waitFor(
    'every process to exit',
    async () => {
      const alive = pids.filter(isAlive);
      if (alive.length) throw new Error(`still running: ${alive.join(', ')}`);
    },
    20_000,
    100,
  );

async function ports() {
  const [api, temporal, ui, ferretdb] = [await freePort(), await freePort(), await freePort(), await freePort()];
  return { PORT: String(api), TEMPORAL_PORT: String(temporal), TEMPORAL_UI_PORT: String(ui), FERRETDB_PORT: String(ferretdb) };
}

const embedded = { MONGODB_URI: undefined, TEMPORAL_ADDRESS: undefined };
const running: Started[] = [];
afterAll(async () => {
  // whatever a failed test left running: every descendant (the servers run in process groups of their own), then the group
  for (const s of running) {
    for (const p of descendants(s.child.pid!)) {
      try {
        process.kill(p.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    try {
      process.kill(-s.child.pid!, 'SIGKILL');
    } catch {
      // already gone
    }
  }
});

describe('npm start', () => {
  // not there yet, as .data/ in a new checkout
  const dataDir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'offerflow-start-')), '.data');
  let env: Record<string, string | undefined>;
  let invitationId: string;
  let adminToken: string;
  beforeAll(async () => {
    env = { ...(await ports()), ...embedded, OFFERFLOW_DATA_DIR: dataDir };
  });
  afterAll(() => fs.rmSync(path.dirname(dataDir), { recursive: true, force: true }));

  it('starts FerretDB, Temporal (with its UI), the worker and the API, and Ctrl-C stops every one of them', async () => {
    expect(fs.existsSync(dataDir)).toBe(false);
    const s = npmStart(env);
    running.push(s);
    await waitForOutput(s, /press Ctrl-C to stop/);
    const api = `http://127.0.0.1:${env.PORT}`;
    expect(s.output()).toContain(`API          ${api}`);
    expect(s.output()).toContain(`Temporal UI  http://127.0.0.1:${env.TEMPORAL_UI_PORT}`);

    const health = await httpCall(api, 'GET', '/healthz');
    expect(health.status).toBe(200);
    const ui = await fetch(`http://127.0.0.1:${env.TEMPORAL_UI_PORT}/`);
    expect(ui.status).toBe(200);
    expect(await ui.text()).toMatch(/<html/i);

    // the embedded default made an operator token, printed it this once and kept it in the data directory
    const printed = /operator token \(shown once; kept in (\S+)\): (\S+)/.exec(s.output());
    expect(printed).not.toBeNull();
    expect(printed![1]).toBe(path.join(dataDir, 'operator-token'));
    expect(fs.readFileSync(printed![1]!, 'utf8').trim()).toBe(printed![2]);
    expect(fs.statSync(printed![1]!).mode & 0o777).toBe(0o600);
    const made = await invite(api, printed![2]!);
    invitationId = made.invitation.id;
    adminToken = made.adminToken;
    // and a key that seals webhook secrets, kept beside it: an endpoint's secret is sealed under it
    const keyFile = path.join(dataDir, 'secret-key');
    expect(fs.statSync(keyFile).mode & 0o777).toBe(0o600);
    expect(fs.readFileSync(keyFile, 'utf8').trim().length).toBeGreaterThanOrEqual(32);
    const endpoint = await httpCall(api, 'POST', '/v1/webhook-endpoints', { url: 'https://hooks.example.com/x' }, { authorization: `Bearer ${adminToken}` });
    expect(endpoint.status).toBe(201);

    // the operator CLI finds the API and the kept token by itself
    const cliEnv = { ...process.env, ...env, LOG_LEVEL: 'warn' } as NodeJS.ProcessEnv;
    const cli = (args: string[]) => execFileAsync(process.execPath, ['--import', 'tsx', path.join(root, 'src/cli.ts'), ...args], { cwd: root, env: cliEnv });
    const created = await cli([
      'partner',
      'create',
      '--name',
      'Tailspin Partners',
      '--email',
      'hi@tailspin.example',
      '--phone',
      '+1 425 555 0111',
      '--website',
      'https://tailspin.example',
      '--line1',
      '2 Oak Road',
      '--city',
      'Seattle',
      '--postal-code',
      '98101',
      '--country',
      'US',
      '--authorisation',
      'subscription-advisor',
      '--admin-email',
      'boss@tailspin.example',
      '--admin-name',
      'Boss',
    ]);
    expect(created.stdout).toMatch(/its API token \(shown once\): ofp\./);
    const listed = await cli(['partner', 'list']);
    expect(listed.stdout).toMatch(/\tglobal\tTailspin Partners\tsubscription-advisor/);
    await expect(cli(['partner', 'grant', 'ptn_nope', 'subscription-advisor'])).rejects.toMatchObject({ code: 1, stderr: expect.stringContaining('404') });

    const tree = descendants(s.child.pid!);
    for (const name of ['ferretdb', 'temporal server start-dev', 'src/worker/main.ts', 'src/api/main.ts']) {
      expect(tree.map((p) => p.cmd).join('\n')).toContain(name);
    }
    // data under OFFERFLOW_DATA_DIR, servers bound to loopback only
    expect(fs.existsSync(path.join(dataDir, 'temporal.db'))).toBe(true);
    expect(fs.readdirSync(path.join(dataDir, 'ferretdb')).some((f) => f.endsWith('.sqlite'))).toBe(true);

    process.kill(-s.child.pid!, 'SIGINT'); // what Ctrl-C does: the whole foreground group
    expect(await s.exited).toBe('SIGINT'); // npm passes the signal on once its script has exited
    await allDead(tree.map((p) => p.pid));
    expect(s.output()).toContain('[offerflow] stopped');
  }, 120_000);

  it('a second start finds the data of the first; a dying child stops everything, non-zero', async () => {
    const s = npmStart({ ...env, WORKFLOW_BUNDLE: testEnv('workflowBundle') }); // bundling at start is the first test's
    running.push(s);
    await waitForOutput(s, /press Ctrl-C to stop/);
    const api = `http://127.0.0.1:${env.PORT}`;
    expect(s.output()).toContain(`operator token: in ${path.join(dataDir, 'operator-token')}`);
    expect(s.output()).not.toContain('shown once');
    const stored = await httpCall(api, 'GET', `/v1/invitations/${invitationId}`, undefined, bearer(adminToken));
    expect(stored.status).toBe(200);
    expect(stored.body).toMatchObject({ id: invitationId, status: 'active' });
    const wf = await httpCall(api, 'GET', `/v1/invitations/${invitationId}/workflow`, undefined, bearer(adminToken));
    expect(wf.status).toBe(200);
    expect(wf.body).toMatchObject({ status: 'RUNNING', state: { id: invitationId, status: 'active' } });

    const tree = descendants(s.child.pid!);
    const worker = tree.find((p) => p.cmd.includes('src/worker/main.ts'))!;
    process.kill(worker.pid, 'SIGKILL');
    expect(await s.exited).toBe(1);
    expect(s.output()).toMatch(/worker exited unexpectedly \(signal SIGKILL\); stopping everything/);
    await allDead(tree.map((p) => p.pid));
  }, 120_000);

  it.each(['PORT', 'TEMPORAL_PORT', 'TEMPORAL_UI_PORT', 'FERRETDB_PORT'])(
    'a taken %s is named, with the variable that changes it',
    async (variable) => {
      const taken = await ports();
      const blocker = net.createServer();
      await new Promise<void>((r) => blocker.listen(Number(taken[variable as keyof typeof taken]), '127.0.0.1', r));
      try {
        const s = npmStart({ ...taken, ...embedded, OFFERFLOW_DATA_DIR: path.join(dataDir, 'unused') });
        running.push(s);
        expect(await s.exited).toBe(1);
        const port = taken[variable as keyof typeof taken];
        expect(s.output()).toContain(`port ${port} on 127.0.0.1 is already in use: stop what uses it, or set ${variable} to another port`);
        expect(descendants(s.child.pid!)).toEqual([]);
      } finally {
        blocker.close();
      }
    },
    60_000,
  );

  it('with MONGODB_URI and TEMPORAL_ADDRESS set, starts only the worker and the API against them', async () => {
    const { PORT } = await ports();
    // against external servers the key that seals webhook secrets is never made up: it is asked for
    const keyless = npmStart({
      PORT,
      MONGODB_URI: `${testEnv('mongodbUri')}npm_start_external`,
      TEMPORAL_ADDRESS: testEnv('temporalAddress'),
      OFFERFLOW_SECRET_KEY: undefined,
    });
    running.push(keyless);
    expect(await keyless.exited).toBe(1);
    expect(keyless.output()).toContain('OFFERFLOW_SECRET_KEY must be set');
    const s = npmStart({
      PORT,
      MONGODB_URI: `${testEnv('mongodbUri')}npm_start_external`,
      TEMPORAL_ADDRESS: testEnv('temporalAddress'),
      TEMPORAL_TASK_QUEUE: 'npm-start-external',
      OFFERFLOW_DATA_DIR: path.join(dataDir, 'unused'),
      OFFERFLOW_OPERATOR_TOKEN: OPERATOR_TOKEN,
      OFFERFLOW_SECRET_KEY: SECRET_KEY,
      WORKFLOW_BUNDLE: testEnv('workflowBundle'),
    });
    running.push(s);
    await waitForOutput(s, /press Ctrl-C to stop/);
    expect(s.output()).not.toContain('starting FerretDB');
    expect(s.output()).toContain(`Temporal     ${testEnv('temporalAddress')} (external)`);
    const cmds = descendants(s.child.pid!)
      .map((p) => p.cmd)
      .join('\n');
    expect(cmds).not.toMatch(/ferretdb|start-dev/);
    await invite(`http://127.0.0.1:${PORT}`, OPERATOR_TOKEN);
    const tree = descendants(s.child.pid!);
    process.kill(-s.child.pid!, 'SIGTERM');
    expect(await s.exited).toBe('SIGTERM');
    await allDead(tree.map((p) => p.pid));
    expect(s.output()).toContain('[offerflow] stopped');
    expect(fs.existsSync(path.join(dataDir, 'unused'))).toBe(false);
  }, 120_000);

  it('the compiled build (what the Docker image runs) serves the same way', async () => {
    const { execFileSync } = await import('node:child_process');
    try {
      execFileSync('npm', ['run', '--silent', 'build'], { cwd: root, encoding: 'utf8' });
    } catch (err) {
      throw new Error(`npm run build fails:\n${(err as { stdout?: string }).stdout}`, { cause: err });
    }
    const { PORT } = await ports();
    const child = spawn(process.execPath, [path.join(root, 'dist/src/start.js')], {
      cwd: root,
      env: {
        ...process.env,
        PORT,
        LOG_LEVEL: 'warn',
        MONGODB_URI: `${testEnv('mongodbUri')}compiled_build`,
        TEMPORAL_ADDRESS: testEnv('temporalAddress'),
        TEMPORAL_TASK_QUEUE: 'compiled-build',
        OFFERFLOW_OPERATOR_TOKEN: OPERATOR_TOKEN,
        OFFERFLOW_SECRET_KEY: SECRET_KEY,
      },
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout!.on('data', (d) => (output += d));
    child.stderr!.on('data', (d) => (output += d));
    const s: Started = { child, output: () => output, exited: new Promise((r) => child.on('exit', (code, signal) => r(code ?? signal))) };
    running.push(s);
    await waitForOutput(s, /press Ctrl-C to stop/);
    expect(
      descendants(child.pid!)
        .map((p) => p.cmd)
        .join('\n'),
    ).toMatch(/dist\/src\/worker\/main\.js[\s\S]*dist\/src\/api\/main\.js|dist\/src\/api\/main\.js[\s\S]*dist\/src\/worker\/main\.js/);
    await invite(`http://127.0.0.1:${PORT}`, OPERATOR_TOKEN);
    // the pages' stylesheet and script are part of the build
    for (const asset of ['pages.css', 'pages.js', 'dashboard.css']) expect((await fetch(`http://127.0.0.1:${PORT}/assets/${asset}`)).status).toBe(200);
    expect((await fetch(`http://127.0.0.1:${PORT}/dashboard`)).headers.get('content-type')).toMatch(/^text\/html/);
    process.kill(child.pid!, 'SIGTERM');
    expect(await s.exited).toBe(0);
  }, 240_000);

  it('the worker and the API leave by themselves when the supervisor is killed outright', async () => {
    const { PORT } = await ports();
    const s = npmStart({
      PORT,
      MONGODB_URI: `${testEnv('mongodbUri')}npm_start_killed`,
      TEMPORAL_ADDRESS: testEnv('temporalAddress'),
      TEMPORAL_TASK_QUEUE: 'npm-start-killed',
      OFFERFLOW_OPERATOR_TOKEN: OPERATOR_TOKEN,
      OFFERFLOW_SECRET_KEY: SECRET_KEY,
      WORKFLOW_BUNDLE: testEnv('workflowBundle'),
    });
    running.push(s);
    await waitForOutput(s, /press Ctrl-C to stop/);
    const tree = descendants(s.child.pid!);
    const apps = tree.filter((p) => /src\/(api|worker)\/main\.ts/.test(p.cmd));
    expect(apps).toHaveLength(2);
    const supervisor = apps[0]!.ppid; // the node process running src/start.ts
    expect(tree.find((p) => p.pid === supervisor)!.cmd).toContain('src/start.ts');
    process.kill(supervisor, 'SIGKILL');
    await allDead(apps.map((p) => p.pid)).catch((err) => {
      throw new Error(
        `${err.message}: ${apps
          .filter((p) => isAlive(p.pid))
          .map((p) => p.cmd)
          .join('; ')}\n${s.output().slice(-1500)}`,
      );
    });
  }, 60_000);
});
