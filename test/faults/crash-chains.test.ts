import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { analyse, formatReport, type Report } from './report';
import { CONFIG, runScenario } from './scenario';

/**
 * Issue 11's scenario, end to end on loopback: 40 onboarding chains through the HTTP API,
 * driven by a client that retries with the same Idempotency-Key, while the worker is
 * SIGKILLed every 10–20 s, the Temporal dev server restarts, the API is SIGKILLed and
 * FerretDB is stopped for 20 s. Then every effect is counted in MongoDB. Exactly once
 * means: every chain onboarded, nothing duplicated, nothing missing, no 500, no 404 for
 * what exists, and a crashed request's key usable again within seconds.
 *
 * `npm run test:faults` (jest.faults.config.js); the main `npm test` leaves it out.
 */

const KEY_USABLE_WITHIN_S = 10;
const REPORT_PATH = path.join(os.tmpdir(), 'offerflow-faults-report.json');

describe('40 onboarding chains through crashes', () => {
  let report: Report;

  beforeAll(async () => {
    const log = (line: string) => process.stdout.write(`[faults] ${line}\n`);
    report = analyse(await runScenario(CONFIG, log));
    fs.writeFileSync(REPORT_PATH, `${JSON.stringify(report, null, 2)}\n`);
    process.stdout.write(formatReport(report, REPORT_PATH));
  });

  it('injects every fault of the plan while chains run', () => {
    expect(report.chainsRun).toBe(CONFIG.chains);
    expect(report.faultsByKind['worker-sigkill']).toBeGreaterThanOrEqual(4);
    const once = ['temporal-restart', 'api-sigkill', 'ferretdb-stop'] as const;
    expect(Object.fromEntries(once.map((k) => [k, report.faultsByKind[k]]))).toEqual({ 'temporal-restart': 1, 'api-sigkill': 1, 'ferretdb-stop': 1 });
    // the key measurement needs a partner's keyed request in flight when the API died
    expect(report.apiCrash?.keysInFlight.length).toBeGreaterThan(0);
  });

  it('the control chain (no faults) onboards with each effect once', () => {
    expect({ completed: report.control.completed, notOnce: report.control.notOnce, auditRepeats: report.control.auditRepeats }).toEqual({
      completed: true,
      notOnce: [],
      auditRepeats: [],
    });
    expect(report.control.expectedEffects).toMatchObject({
      invitations: 1,
      'invitation redemptions': 1,
      customers: 1,
      'customer tokens': 1,
      offers: 1,
      'offer recipients': 1,
      subscriptions: 1,
      'delegated-admin relationships': 1,
    });
  });

  it('every chain is onboarded, and its customer token works', () => {
    expect(report.notOnboarded).toEqual([]);
  });

  it('every operation gets its answer: none refused as already done, none given up', () => {
    expect({ failed: report.failedOperations, refusedAsDone: report.refusedAsDone }).toEqual({ failed: [], refusedAsDone: [] });
  });

  it('no effect is duplicated', () => {
    expect({ duplicated: report.duplicated, auditRepeats: report.auditRepeats }).toEqual({ duplicated: [], auditRepeats: [] });
  });

  it('no effect is missing', () => {
    expect(report.missing).toEqual([]);
  });

  it('no answer is a 500', () => {
    expect(report.fiveHundreds).toEqual([]);
  });

  it('no 404 for an object that exists', () => {
    expect(report.notFound).toEqual([]);
  });

  it(`a key in flight when the API died is usable again within ${KEY_USABLE_WITHIN_S} s of its restart`, () => {
    expect(report.apiCrash?.keysInFlight.filter((k) => k.usableAfterRestartMs === null || k.usableAfterRestartMs > KEY_USABLE_WITHIN_S * 1000)).toEqual([]);
  });

  it('nothing is left behind: the worker drains, no workflow fails, no orphan link code', () => {
    expect({
      pending: report.settled.pending,
      badlyEnded: report.settled.badlyEnded,
      orphanLinkCodes: report.leftovers.orphanLinkCodes,
    }).toEqual({ pending: [], badlyEnded: [], orphanLinkCodes: [] });
  });
});
