import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Context } from '@temporalio/activity';
import type { Client, WorkflowHandle, WorkflowHandleWithFirstExecutionRunId, WorkflowStartOptions } from '@temporalio/client';
import { SearchAttributeType, type Workflow } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { DefaultLogger, Runtime, Worker, type WorkerOptions } from '@temporalio/worker';
import type { Activities } from '../../activities';
import { SEARCH_ATTRIBUTES } from '../../workflows/search-attributes';
import { testEnv } from './servers';

/**
 * Workflow tests in isolation: Temporal's time-skipping test server (the Java
 * one, fetched by scripts/build-test-server.sh into the cache outside the repo),
 * a worker running the run's workflow bundle (built once by jest's global setup)
 * with STUB activities that record their calls. No FerretDB, no HTTP, and a
 * 30-day timer takes milliseconds.
 *
 * How time moves (the test server's rules, see TestWorkflowEnvironment.createTimeSkipping):
 * - at its own pace (wall clock) by default;
 * - it jumps from timer to timer while a test awaits `handle.result()` or `ts.sleep(ms)`,
 *   but never while a workflow task or an activity is outstanding, so an activity or a
 *   workflow task that nobody runs holds the clock at wall pace (see skipWithoutWorker);
 * - it is global to the server: tests of one file run one after the other.
 *
 * Usage, once per test file:
 *
 *   const ts = useTimeSkipping();
 *   it('expires', async () => {
 *     const handle = await ts.start(offerWorkflow, { ...offerStart(input) });
 *     expect(await handle.result()).toMatchObject({ status: 'expired' });
 *     expect(ts.callsTo('saveOfferRecipient').map(([s]) => s.status)).toEqual(['sent', 'expired']);
 *   });
 */

export type ActivityName = keyof Activities;
type Stub<K extends ActivityName> = (...args: Parameters<Activities[K]>) => Promise<Awaited<ReturnType<Activities[K]>>>;
/** One implementation per activity the worker registers: tsc refuses this file when an activity has no stub. */
export type Stubs = { [K in ActivityName]: Stub<K> };

export interface StubCall<K extends ActivityName = ActivityName> {
  name: K;
  args: Parameters<Activities[K]>;
  workflowId: string;
  /** Server time (ms) at which this attempt was scheduled: when the workflow asked for it. */
  scheduledAt: number;
  attempt: number;
}

/** What an activity does unless a test says otherwise (`ts.stub`): nothing, or the obvious answer. */
export const defaultStubs: Stubs = {
  publishCustomer: async () => undefined,
  publishCustomerFacts: async () => undefined,
  applyToDirectory: async () => ({ ms: 0 }),
  upgradeDirectory: async () => ({ customers: 0 }),
  registerCustomer: async (r) => ({
    customerId: r.customerId,
    name: r.name ?? `Customer ${r.customerId}`,
    domain: r.domain ?? `${r.customerId}.example`,
    contactEmail: r.contact?.email ?? `contact@${r.customerId}.example`,
    contactName: r.contact?.name ?? 'Contact',
    created: r.mode === 'create',
  }),
  saveRelationship: async () => undefined,
  checkPartnerCertified: async () => undefined,
  actInCustomer: async ({ action: a }) => ({
    kind: a.kind,
    targetId: 'userId' in a ? a.userId : 'subscriptionId' in a ? a.subscriptionId : a.serviceRequestId,
  }),
  saveInvitation: async () => undefined,
  checkPartnerMayInvite: async () => ({ cloud: 'global' }),
  recordRedemption: async () => undefined,
  deleteExpiredIdempotencyKeys: async () => 0,
  deleteUnsentOffers: async () => 0,
  registerProductKeys: async () => ({ total: 0, registered: 0, refused: 0 }),
  keyForRedemption: async () => ({ sku: 'BUS-STD', licenses: 5 }),
  markKeyRedeemed: async () => undefined,
  saveOfferRecipient: async () => undefined,
  purchaseThroughOnboarding: async (_partnerId, _customerId, request) => ({
    subscriptions: request.items.map((i) => ({ subscriptionId: i.subscriptionId, sku: i.sku, licenses: i.licenses, convertedTrial: false })),
  }),
  announceOfferToOnboarding: async () => undefined,
  findOpenOffers: async () => [],
  sendEmail: async () => undefined,
  saveSubscription: async () => undefined,
  saveLicenseDecrease: async () => undefined,
  savePartnerOfRecordRequest: async () => undefined,
  countAssignedLicenses: async () => 0,
  recordStage: async () => undefined,
  recordAuditEvent: async () => undefined,
  publishEvent: async () => 'evt_stub',
  sendWebhook: async () => undefined,
  finishWebhookDelivery: async () => undefined,
  countInFunnel: async () => undefined,
  registerRelationshipLink: async () => undefined,
  saveServiceRequest: async () => undefined,
};

export interface TimeSkipping {
  env: TestWorkflowEnvironment;
  client: Client;
  /** This file's task queue (its worker polls it from beforeAll to afterAll). */
  taskQueue: string;
  /** Every stub activity call of the current test, in the order they were made. */
  calls: StubCall[];
  /** The arguments of each call to one activity, optionally only from one workflow. */
  callsTo<K extends ActivityName>(name: K, workflowId?: string): Array<Parameters<Activities[K]>>;
  /** Replaces one activity's stub until the end of the current test. */
  stub<K extends ActivityName>(name: K, impl: Stub<K>): void;
  /** Starts a workflow on this file's task queue (or `options.taskQueue`); it is terminated after the test if still running. */
  start<T extends Workflow>(
    workflow: T,
    options: Omit<WorkflowStartOptions<T>, 'taskQueue'> & { taskQueue?: string },
  ): Promise<WorkflowHandleWithFirstExecutionRunId<T>>;
  /** Terminates this workflow after the test if it still runs (e.g. a child a workflow started). */
  cleanUp(workflowId: string): void;
  /** Server time, ms. */
  now(): Promise<number>;
  /** Lets `ms` of server time pass, skipping from timer to timer (the workers run what falls due). */
  sleep(ms: number): Promise<void>;
  /** A further worker, e.g. on a task queue of its own (options as for Worker.create; stubs and bundle are the file's). */
  startWorker(options?: Partial<WorkerOptions>): Promise<RunningWorker>;
  /**
   * Lets `ms` of server time pass while `handle`'s task queue has no worker: what falls
   * due for that workflow waits, as during an outage, and runs once a worker polls again.
   */
  skipWithoutWorker(handle: WorkflowHandle, ms: number): Promise<void>;
  /** Polls `probe` (wall time) until it returns a truthy value. */
  eventually<T>(probe: () => Promise<T | undefined | false> | T | undefined | false, what: string, timeoutMs?: number): Promise<T>;
}

export interface RunningWorker {
  taskQueue: string;
  stop(): Promise<void>;
}

const noop = () => undefined;

/** Registers beforeAll/afterEach/afterAll hooks; the returned object is usable inside tests. */
export function useTimeSkipping(opts: { startupTimeoutMs?: number } = {}): TimeSkipping {
  const suffix = randomBytes(4).toString('hex');
  const calls: StubCall[] = [];
  const overrides: Partial<Record<ActivityName, (...args: unknown[]) => Promise<unknown>>> = {};
  const started = new Set<string>();
  const workers = new Set<RunningWorker>();
  let env: TestWorkflowEnvironment | undefined;
  let mainWorker: RunningWorker | undefined;

  const activities = Object.fromEntries(
    (Object.keys(defaultStubs) as ActivityName[]).map((name) => [
      name,
      async (...args: unknown[]) => {
        const info = Context.current().info;
        calls.push({
          name,
          args: args as StubCall['args'],
          workflowId: info.workflowExecution?.workflowId ?? '',
          scheduledAt: info.currentAttemptScheduledTimestampMs,
          attempt: info.attempt,
        });
        const impl = overrides[name] ?? (defaultStubs[name] as (...a: unknown[]) => Promise<unknown>);
        return impl(...args);
      },
    ]),
  );

  const startWorker = async (options: Partial<WorkerOptions> = {}): Promise<RunningWorker> => {
    const taskQueue = options.taskQueue ?? `${ts.taskQueue}-${randomBytes(3).toString('hex')}`;
    const worker = await Worker.create({
      connection: env!.nativeConnection,
      namespace: 'default',
      workflowBundle: { codePath: testEnv('workflowBundle') },
      activities,
      ...options,
      taskQueue,
    });
    const running = worker.run();
    const handle: RunningWorker = {
      taskQueue,
      stop: async () => {
        workers.delete(handle);
        if (worker.getState() === 'RUNNING') worker.shutdown();
        await running;
      },
    };
    workers.add(handle);
    return handle;
  };

  const ts: TimeSkipping = {
    get env() {
      if (!env) throw new Error('the time-skipping environment is not up yet (use it inside tests)');
      return env;
    },
    get client() {
      return ts.env.client;
    },
    taskQueue: `workflows-${suffix}`,
    calls,
    callsTo<K extends ActivityName>(name: K, workflowId?: string) {
      return calls.filter((c) => c.name === name && (!workflowId || c.workflowId === workflowId)).map((c) => c.args as Parameters<Activities[K]>);
    },
    stub(name, impl) {
      overrides[name] = impl as (...args: unknown[]) => Promise<unknown>;
    },
    async start(workflow, options) {
      const handle = await ts.client.workflow.start(workflow, { ...options, taskQueue: options.taskQueue ?? ts.taskQueue } as WorkflowStartOptions<
        typeof workflow
      >);
      started.add(handle.workflowId);
      return handle;
    },
    cleanUp(workflowId) {
      started.add(workflowId);
    },
    now: () => ts.env.currentTimeMs(),
    sleep: (ms) => ts.env.sleep(ms),
    startWorker,
    skipWithoutWorker: (handle, ms) => skipWithoutWorker(ts.env, handle, ms),
    eventually: async (probe, what, timeoutMs = 10_000) => {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const value = await probe();
        if (value) return value as Awaited<ReturnType<typeof probe>> & object;
        if (Date.now() > deadline) throw new Error(`${what} did not happen within ${timeoutMs} ms`);
        await new Promise((r) => setTimeout(r, 20));
      }
    },
  };

  beforeAll(async () => {
    installQuietRuntime();
    env = await TestWorkflowEnvironment.createTimeSkipping({ server: { executable: { type: 'existing-path', path: testServerExecutable() } } });
    // The test server knows no custom search attribute until told (the workflows upsert LifecycleStage).
    await env.connection.operatorService.addSearchAttributes({
      namespace: 'default',
      searchAttributes: Object.fromEntries(SEARCH_ATTRIBUTES.map((k) => [k.name, indexedValueType(k)])),
    });
    mainWorker = await startWorker({ taskQueue: ts.taskQueue });
  }, opts.startupTimeoutMs ?? 300_000); // the first run on a machine fetches the server with Maven

  afterEach(async () => {
    calls.length = 0;
    for (const k of Object.keys(overrides)) delete overrides[k as ActivityName];
    if (!env) return;
    // Left running, a workflow's timers would fire (and run) during the next test's time skips.
    // Terminated only once idle: the test server leaks the time lock of an activity or workflow
    // task that is outstanding when its workflow is terminated, and its clock then never skips again.
    await Promise.all(
      [...started].map(async (id) => {
        const handle = env!.client.workflow.getHandle(id);
        if (!(await waitUntilIdle(handle))) return; // closed (or never started)
        await handle.terminate('test over').catch(noop);
      }),
    );
    started.clear();
    await Promise.all([...workers].filter((w) => w !== mainWorker).map((w) => w.stop()));
  });

  afterAll(async () => {
    await Promise.all([...workers].map((w) => w.stop()));
    await env?.teardown();
  });

  return ts;
}

/**
 * The time-skipping server holds its clock at wall pace while a workflow task is
 * outstanding, so `env.sleep` alone cannot make days pass for a workflow that
 * nobody runs: it would wait the days out. Its time locks are counted
 * (TestService: LockTimeSkipping/UnlockTimeSkipping), so once the workflow's task
 * is pending (its lock taken) we release that one lock ourselves while the sleep
 * runs, and take it back afterwards: the task keeps waiting, the clock jumps.
 */
async function skipWithoutWorker(env: TestWorkflowEnvironment, handle: WorkflowHandle, ms: number): Promise<void> {
  const testService = env.connection.testService;
  if (!testService) throw new Error('this environment has no TestService (not the time-skipping server)');
  let lent = 0;
  let done = false;
  const sleeping = env.sleep(ms).finally(() => {
    done = true;
  });
  try {
    while (!done) {
      if (lent === 0 && (await hasPendingWorkflowTask(handle))) {
        await testService.unlockTimeSkipping({});
        lent++;
      }
      await Promise.race([sleeping, new Promise((r) => setTimeout(r, 20))]);
    }
    await sleeping;
  } finally {
    for (; lent > 0; lent--) await testService.lockTimeSkipping({});
  }
}

const E = temporal.api.enums.v1.EventType;
/** Events that open a piece of work the server holds a time lock for, and the events that close it (by the opener's event id). */
const OPENS = new Set([
  E.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED,
  E.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED,
  E.EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_INITIATED,
  E.EVENT_TYPE_SIGNAL_EXTERNAL_WORKFLOW_EXECUTION_INITIATED,
]);
const closedBy = (e: temporal.api.history.v1.IHistoryEvent): number | undefined => {
  const a =
    e.workflowTaskCompletedEventAttributes ??
    e.workflowTaskFailedEventAttributes ??
    e.workflowTaskTimedOutEventAttributes ??
    e.activityTaskCompletedEventAttributes ??
    e.activityTaskFailedEventAttributes ??
    e.activityTaskTimedOutEventAttributes ??
    e.activityTaskCanceledEventAttributes;
  if (a) return Number(a.scheduledEventId);
  const b =
    e.childWorkflowExecutionStartedEventAttributes ??
    e.startChildWorkflowExecutionFailedEventAttributes ??
    e.externalWorkflowExecutionSignaledEventAttributes ??
    e.signalExternalWorkflowExecutionFailedEventAttributes;
  return b ? Number(b.initiatedEventId) : undefined;
};

/**
 * Waits (wall time, 10 s at most) until the workflow has no workflow task, activity, child start or
 * signal outstanding. False when it is closed already (or unknown).
 */
async function waitUntilIdle(handle: WorkflowHandle): Promise<boolean> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const { events } = await handle.fetchHistory().catch(() => ({ events: undefined }));
    if (!events?.length) return false;
    const open = new Set<number>();
    for (const e of events) {
      if (e.eventType === E.EVENT_TYPE_WORKFLOW_TASK_STARTED) continue;
      if (e.eventType != null && OPENS.has(e.eventType)) open.add(Number(e.eventId));
      const closed = closedBy(e);
      if (closed !== undefined) open.delete(closed);
    }
    const last = events[events.length - 1]!.eventType;
    if (last != null && CLOSING.has(last)) return false;
    if (open.size === 0 || Date.now() > deadline) return true;
    await new Promise((r) => setTimeout(r, 20));
  }
}
const CLOSING = new Set([
  E.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED,
  E.EVENT_TYPE_WORKFLOW_EXECUTION_FAILED,
  E.EVENT_TYPE_WORKFLOW_EXECUTION_TIMED_OUT,
  E.EVENT_TYPE_WORKFLOW_EXECUTION_CANCELED,
  E.EVENT_TYPE_WORKFLOW_EXECUTION_TERMINATED,
  E.EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW,
]);

async function hasPendingWorkflowTask(handle: WorkflowHandle): Promise<boolean> {
  const { events } = await handle.fetchHistory();
  const last = events?.[events.length - 1];
  return last?.eventType === temporal.api.enums.v1.EventType.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED;
}

/** Waits until the workflow's history has an event of this type (e.g. its first timer is set). */
export async function historyHas(handle: WorkflowHandle, type: keyof typeof temporal.api.enums.v1.EventType, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const wanted = temporal.api.enums.v1.EventType[type];
  for (;;) {
    const { events } = await handle.fetchHistory();
    if (events?.some((e) => e.eventType === wanted)) return;
    if (Date.now() > deadline) throw new Error(`${handle.workflowId}: no ${type} in its history within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

function indexedValueType(key: { name: string; type: SearchAttributeType }): temporal.api.enums.v1.IndexedValueType {
  const T = temporal.api.enums.v1.IndexedValueType;
  const byType: Record<SearchAttributeType, temporal.api.enums.v1.IndexedValueType> = {
    [SearchAttributeType.TEXT]: T.INDEXED_VALUE_TYPE_TEXT,
    [SearchAttributeType.KEYWORD]: T.INDEXED_VALUE_TYPE_KEYWORD,
    [SearchAttributeType.INT]: T.INDEXED_VALUE_TYPE_INT,
    [SearchAttributeType.DOUBLE]: T.INDEXED_VALUE_TYPE_DOUBLE,
    [SearchAttributeType.BOOL]: T.INDEXED_VALUE_TYPE_BOOL,
    [SearchAttributeType.DATETIME]: T.INDEXED_VALUE_TYPE_DATETIME,
    [SearchAttributeType.KEYWORD_LIST]: T.INDEXED_VALUE_TYPE_KEYWORD_LIST,
  };
  return byType[key.type];
}

/**
 * The wrapper scripts/build-test-server.sh writes into the cache (outside the repo);
 * built on first use (Maven, a minute or two), reused afterwards.
 */
export function testServerExecutable(): string {
  const cacheDir = process.env.OFFERFLOW_CACHE_DIR || path.join(process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'), 'offerflow');
  const envFile = path.join(cacheDir, 'test-server.env');
  const fromFile = fs.existsSync(envFile) ? /^TEMPORAL_TEST_SERVER=(.+)$/m.exec(fs.readFileSync(envFile, 'utf8'))?.[1] : undefined;
  if (fromFile && isExecutable(fromFile)) return fromFile;
  const script = path.join(__dirname, '../../scripts/build-test-server.sh');
  const built = spawnSync('bash', [script], { stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' });
  const wrapper = built.stdout?.trim().split('\n').pop();
  if (built.status !== 0 || !wrapper || !isExecutable(wrapper)) {
    throw new Error(
      `building Temporal's time-skipping test server failed (bash ${script} exited ${built.status}${built.error ? `: ${built.error.message}` : ''})`,
    );
  }
  return wrapper;
}

function isExecutable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

let runtimeInstalled = false;
/** The SDK's INFO lines (worker state, …) are noise here; warnings and errors still show. */
function installQuietRuntime(): void {
  if (runtimeInstalled) return;
  runtimeInstalled = true;
  try {
    Runtime.install({
      logger: new DefaultLogger('WARN', ({ level, message, meta }) => {
        // The test server is not a Temporal server: core says so once per worker.
        if (message.includes('activity_failure_include_heartbeat')) return;
        process.stderr.write(`[temporal ${level}] ${message}${meta && Object.keys(meta).length ? ` ${JSON.stringify(meta)}` : ''}\n`);
      }),
      telemetryOptions: { logging: { filter: { core: 'WARN', other: 'ERROR' }, forward: {} } },
    });
  } catch {
    // installed already (another helper of the same jest worker): keep that one
  }
}
