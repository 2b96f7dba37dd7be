import type { Attempt, OpResult } from './client';
import { BOUGHT_LICENSES, CHANGED_LICENSES } from './chain';
import { compare, leftovers, type Difference } from './count-effects';
import { windowOf, type Fault } from './faults';
import type { ScenarioResult } from './scenario';

/** The figures the issue asks for, from a scenario's result: what the assertions check and what is printed. */

const s = (ms: number) => Math.round(ms / 100) / 10;
const where = (a: Pick<Attempt, 'chain' | 'step' | 'method' | 'path'>) => `${a.chain} ${a.step}: ${a.method} ${a.path}`;
const problemOf = (a: Pick<Attempt, 'outcome' | 'problem' | 'detail'>) => `${a.outcome}${a.problem ? ` ${a.problem}` : ''}${a.detail ? ` (${a.detail})` : ''}`;
const KEY_IN_USE = (a: Attempt) => a.outcome === 409 && a.problem === 'idempotency-key-in-use';
/** An answer that shows the request was handled (not turned away for its key, the rate, or a dependency). */
const HANDLED = (a: Attempt) => typeof a.outcome === 'number' && !KEY_IN_USE(a) && ![429, 502, 503, 504].includes(a.outcome);

export function analyse(r: ScenarioResult) {
  const at = (t: number) => s(t - r.t0);
  const attempts = r.client.attempts;
  const ops = r.client.operations;

  // the chains and their effects
  const expected = r.control.effects.signature;
  const diffs = r.effects.map((e) => ({ e, chain: r.chains.find((c) => c.label === e.label)!, ...compare(expected, e) }));
  const duplicated: Difference[] = diffs.flatMap((d) => d.duplicated);
  const missing: Difference[] = diffs.filter((d) => d.chain.completed).flatMap((d) => d.missing);
  const missingInStoppedChains: Difference[] = diffs.filter((d) => !d.chain.completed).flatMap((d) => d.missing);
  const notOnboarded = r.chains.flatMap((c) => {
    const e = r.effects.find((x) => x.label === c.label)!;
    const token = r.tokenChecks.find((t) => t.chain === c.label)!;
    const why = [
      c.completed ? undefined : `stopped at ${c.stoppedAt?.step}: ${c.stoppedAt?.status} ${c.stoppedAt?.problem ?? ''} ${c.stoppedAt?.text ?? ''}`.trim(),
      e.state.onboarded ? undefined : 'no onboarded stage in its timeline',
      e.state.relationships.includes('active') ? undefined : `delegated administration not active (${e.state.relationships.join(', ') || 'none'})`,
      e.state.subscriptions.some((x) => x.status === 'active' && x.licenses === CHANGED_LICENSES)
        ? undefined
        : `no active subscription with ${CHANGED_LICENSES} licenses (${JSON.stringify(e.state.subscriptions)})`,
      token.status === 200 && token.customerId === c.customerId ? undefined : `its customer token: GET /v1/customer answered ${token.status}`,
    ].filter((x): x is string => x !== undefined);
    return why.length > 0 ? [{ chain: c.label, customerId: c.customerId, why }] : [];
  });
  const auditRepeats = r.effects.flatMap((e) => e.auditRepeats.map((x) => ({ chain: e.label, ...x })));

  // answers
  const statusesByWindow: Record<string, Record<string, number>> = {};
  for (const a of attempts) {
    const w = (statusesByWindow[windowOf(r.faults, a)] ??= {});
    const k = a.problem ? `${a.outcome} ${a.problem}` : String(a.outcome);
    w[k] = (w[k] ?? 0) + 1;
  }
  const fiveHundreds = attempts.filter((a) => a.outcome === 500).map((a) => ({ at: at(a.startedAt), where: where(a), answer: problemOf(a) }));
  const notFound = attempts
    .filter((a) => a.outcome === 404 && !a.poll)
    .map((a) => ({ at: at(a.startedAt), window: windowOf(r.faults, a), where: where(a), answer: problemOf(a) }));
  const pollNotYet = attempts.filter((a) => a.outcome === 404 && a.poll).length;
  const failedOperations = ops
    .filter((o) => !o.ok && o.chain !== 'setup')
    .map((o: OpResult) => ({
      at: at(o.startedAt),
      where: `${o.chain} ${o.step}: ${o.method} ${o.path}`,
      final: `${o.status}${o.problem ? ` ${o.problem}` : ''}`,
      answerLostBefore: o.answerLost,
      attempts: o.attempts,
      answer: o.text.slice(0, 300),
    }));
  const longestAttempt = attempts.reduce<Attempt | undefined>((m, a) => (!m || a.endedAt - a.startedAt > m.endedAt - m.startedAt ? a : m), undefined);
  const chainOps = ops.filter((o) => o.chain !== 'setup');
  const longestOperation = chainOps.reduce<OpResult | undefined>((m, o) => (!m || o.endedAt - o.startedAt > m.endedAt - m.startedAt ? o : m), undefined);

  // the API crash and its keys
  const apiKill = r.faults.find((f) => f.kind === 'api-sigkill');
  const keyInUseAfterKill = apiKill ? attempts.filter((a) => KEY_IN_USE(a) && a.startedAt >= apiKill.startedAt) : [];
  const keysInFlight = (apiKill?.inFlight ?? []).map((k) => {
    // the retries sent after the kill (a retry may reach the new API a moment before it is seen listening)
    const later = attempts.filter((a) => a.op === k.op && a.startedAt >= apiKill!.startedAt && !a.poll).sort((a, b) => a.startedAt - b.startedAt);
    // While the API is down the retries find nobody; then it refuses the key while the dead request's claim holds.
    // The key is usable again at the first retry it does not refuse (later 409s would be for that retry's own claim).
    const notRefused = (a: Attempt) => (typeof a.outcome === 'number' ? !KEY_IN_USE(a) : a.outcome === 'timeout' && a.startedAt >= apiKill!.endedAt);
    const firstNotRefused = later.find(notRefused);
    const handled = later.find(HANDLED);
    const op = ops.find((o) => o.op === k.op);
    const count = (xs: Attempt[]) =>
      xs.reduce<Record<string, number>>((n, a) => {
        const key = a.problem ? `${a.outcome} ${a.problem}` : String(a.outcome);
        return { ...n, [key]: (n[key] ?? 0) + 1 };
      }, {});
    return {
      where: where(k),
      inFlightForMs: apiKill!.startedAt - k.startedAt,
      /** The answers to its retries until the first one the API did not refuse for the key. */
      answersBefore: count(later.filter((a) => !firstNotRefused || a.startedAt < firstNotRefused.startedAt)),
      /** From the API's restart to the first retry not refused for the key (null: every retry was refused, or none was sent). */
      usableAfterRestartMs: firstNotRefused ? Math.max(0, firstNotRefused.startedAt - apiKill!.endedAt) : null,
      firstAnswerNotRefused: firstNotRefused ? problemOf(firstNotRefused) : null,
      /** From the API's restart to the first answer that shows the request handled (2xx, 4xx but for the key, or 500). */
      handledAfterRestartMs: handled ? handled.endedAt - apiKill!.endedAt : null,
      firstHandledAnswer: handled ? problemOf(handled) : null,
      operationFinal: op ? `${op.status}${op.problem ? ` ${op.problem}` : ''}` : 'still running',
    };
  });
  const unusableMs = keysInFlight.map((k) => k.usableAfterRestartMs ?? Number.POSITIVE_INFINITY);
  const unusableLongest = unusableMs.length > 0 ? Math.max(...unusableMs) : undefined;

  const stepTimes: Record<string, { count: number; medianSeconds: number; maxSeconds: number }> = {};
  for (const step of [...new Set(chainOps.map((o) => o.step))]) {
    const ms = chainOps
      .filter((o) => o.step === step)
      .map((o) => o.endedAt - o.startedAt)
      .sort((a, b) => a - b);
    stepTimes[step] = { count: ms.length, medianSeconds: s(ms[Math.floor(ms.length / 2)]!), maxSeconds: s(ms[ms.length - 1]!) };
  }

  const faultsByKind: Record<string, number> = {};
  for (const f of r.faults) faultsByKind[f.kind] = (faultsByKind[f.kind] ?? 0) + 1;
  const left = leftovers(r.snapshot, [r.control.chain, ...r.chains]);

  return {
    chainsRun: r.chains.length,
    chainsCompleted: r.chains.filter((c) => c.completed).length,
    chainsOnboarded: r.chains.length - notOnboarded.length,
    config: r.config,
    serversDir: r.dir,
    durations: { chainsSeconds: s(r.chainsEndedAt - r.t0), settleSeconds: s(r.settled.ms) },
    faultsByKind,
    faults: r.faults.map((f: Fault) => ({ kind: f.kind, at: at(f.startedAt), downSeconds: s(f.endedAt - f.startedAt) })),
    unexpectedExits: r.unexpectedExits.map((e) => ({ ...e, at: at(e.at) })),
    control: {
      completed: r.control.chain.completed,
      stoppedAt: r.control.chain.stoppedAt,
      expectedEffects: expected,
      settled: r.control.settled.drained,
      // each of these exactly once in a chain (subscriptions: as many as the offer has lines)
      notOnce: Object.entries(expected)
        .filter(([k, n]) => n !== 1 && !k.startsWith('timeline '))
        .map(([k, n]) => `${k}: ${n}`),
      auditRepeats: r.control.effects.auditRepeats,
      state: r.control.effects.state,
    },
    duplicated,
    missing,
    missingInStoppedChains,
    auditRepeats,
    notOnboarded,
    failedOperations,
    refusedAsDone: r.chains.flatMap((c) =>
      c.steps.filter((x) => x.refusedAsDone).map((x) => ({ chain: c.label, step: x.step, answer: `${x.status} ${x.problem}` })),
    ),
    statusesByWindow,
    fiveHundreds,
    notFound,
    pollNotYet404s: pollNotYet,
    longestAttempt: longestAttempt && {
      seconds: s(longestAttempt.endedAt - longestAttempt.startedAt),
      where: where(longestAttempt),
      outcome: problemOf(longestAttempt),
    },
    longestOperation: longestOperation && {
      seconds: s(longestOperation.endedAt - longestOperation.startedAt),
      where: `${longestOperation.chain} ${longestOperation.step}: ${longestOperation.method} ${longestOperation.path}`,
      attempts: longestOperation.attempts,
      final: `${longestOperation.status}${longestOperation.problem ? ` ${longestOperation.problem}` : ''}`,
    },
    apiCrash: apiKill && {
      at: at(apiKill.startedAt),
      restartSeconds: s(apiKill.endedAt - apiKill.startedAt),
      keyInUse409s: keyInUseAfterKill.length,
      /** Of those, the answers to keys in flight at the kill before each was usable again (the rest: retries meeting their own earlier attempt). */
      keyInUse409sBeforeUsable: keysInFlight.reduce((n, k) => n + (k.answersBefore['409 idempotency-key-in-use'] ?? 0), 0),
      keyInUse409Span: keyInUseAfterKill.length > 0 ? [at(keyInUseAfterKill[0]!.startedAt), at(keyInUseAfterKill[keyInUseAfterKill.length - 1]!.endedAt)] : [],
      keysInFlight,
      /** null: none in flight; 'never': some key was never handled again before its operation ended. */
      keyUnusableSeconds: unusableLongest === undefined ? null : Number.isFinite(unusableLongest) ? s(unusableLongest) : 'never',
    },
    stepTimes,
    settled: r.settled,
    leftovers: left,
    chains: r.chains.map(({ token: _token, ...c }) => c),
    /** Every attempt not answered 2xx, with the outage window it fell in. */
    unusualAttempts: attempts
      .filter((a) => typeof a.outcome !== 'number' || a.outcome >= 300)
      .map((a) => ({ at: at(a.startedAt), seconds: s(a.endedAt - a.startedAt), window: windowOf(r.faults, a), where: where(a), answer: problemOf(a) })),
    expectations: { bought: BOUGHT_LICENSES, changed: CHANGED_LICENSES },
  };
}

export type Report = ReturnType<typeof analyse>;

/** The report as text: the figures first, then each finding with where it happened. */
export function formatReport(rep: Report, jsonPath: string): string {
  const lines: string[] = [];
  const section = (title: string, items: unknown[], show: (x: any) => string = (x) => JSON.stringify(x)) => {
    lines.push(`${title}: ${items.length}`);
    for (const x of items.slice(0, 40)) lines.push(`  - ${show(x)}`);
    if (items.length > 40) lines.push(`  … and ${items.length - 40} more (see the JSON report)`);
  };
  lines.push('', '=== offerflow fault suite ===');
  lines.push(
    `chains run: ${rep.chainsRun} (${rep.config.inFlight} in flight at most, one started every ${rep.config.startEveryMs / 1000} s), completed by the client: ${rep.chainsCompleted}, onboarded: ${rep.chainsOnboarded}`,
  );
  lines.push(
    `chains took ${rep.durations.chainsSeconds} s; settling took ${rep.durations.settleSeconds} s (${rep.settled.drained ? 'drained' : 'NOT drained'})`,
  );
  lines.push(`faults by kind: ${JSON.stringify(rep.faultsByKind)}`);
  for (const f of rep.faults) lines.push(`  - t+${f.at} s ${f.kind}, back after ${f.downSeconds} s`);
  if (rep.unexpectedExits.length) section('processes that exited unasked (restarted)', rep.unexpectedExits);
  lines.push(`control chain: ${rep.control.completed ? 'completed' : `stopped at ${JSON.stringify(rep.control.stoppedAt)}`}; expected per chain:`);
  for (const [k, n] of Object.entries(rep.control.expectedEffects).sort()) lines.push(`  ${n} × ${k}`);
  if (rep.control.notOnce.length) section('control chain effects not exactly once', rep.control.notOnce, String);
  section('duplicated effects', rep.duplicated, (d) => `${d.chain}: ${d.effect} ×${d.actual} (expected ${d.expected})`);
  section('missing effects (chains the client completed)', rep.missing, (d) => `${d.chain}: ${d.effect} ×${d.actual} (expected ${d.expected})`);
  section(
    'missing effects in chains that stopped early (includes steps never driven)',
    rep.missingInStoppedChains,
    (d) => `${d.chain}: ${d.effect} ×${d.actual} (expected ${d.expected})`,
  );
  section('audit entries repeated for one object and action', rep.auditRepeats);
  section('chains not onboarded', rep.notOnboarded, (c) => `${c.chain} (${c.customerId ?? 'no customer'}): ${c.why.join('; ')}`);
  section(
    'operations that failed (final answer, after retries)',
    rep.failedOperations,
    (o) => `t+${o.at} s ${o.where} → ${o.final}${o.answerLostBefore ? ' (after a lost answer)' : ''}: ${o.answer}`,
  );
  section('retries refused as already done (the client read the state back)', rep.refusedAsDone);
  section('answers 500', rep.fiveHundreds, (x) => `t+${x.at} s ${x.where} → ${x.answer}`);
  section('answers 404 for objects that exist', rep.notFound, (x) => `t+${x.at} s [${x.window}] ${x.where} → ${x.answer}`);
  lines.push(`404 while polling a 202's Location (not stored yet): ${rep.pollNotYet404s}`);
  lines.push('answers by outage window:');
  for (const [w, counts] of Object.entries(rep.statusesByWindow).sort()) lines.push(`  ${w}: ${JSON.stringify(counts)}`);
  lines.push(
    `operation times by step: ${Object.entries(rep.stepTimes)
      .map(([k, v]) => `${k} median ${v.medianSeconds} s, max ${v.maxSeconds} s`)
      .join('; ')}`,
  );
  if (rep.longestAttempt) lines.push(`longest single attempt: ${rep.longestAttempt.seconds} s (${rep.longestAttempt.where} → ${rep.longestAttempt.outcome})`);
  if (rep.longestOperation)
    lines.push(
      `longest operation: ${rep.longestOperation.seconds} s, ${rep.longestOperation.attempts} attempts (${rep.longestOperation.where} → ${rep.longestOperation.final})`,
    );
  if (rep.apiCrash) {
    const c = rep.apiCrash;
    lines.push(
      `API SIGKILL at t+${c.at} s, listening again after ${c.restartSeconds} s; 409 idempotency-key-in-use after it: ${c.keyInUse409s} (${c.keyInUse409sBeforeUsable} to keys in flight at the kill before they were usable again) ${c.keyInUse409Span.length ? `(t+${c.keyInUse409Span.join(' s … t+')} s)` : ''}`,
    );
    const longest = c.keyUnusableSeconds;
    const shown = longest === null ? 'n/a (none in flight)' : longest === 'never' ? 'never usable again for some key' : `${longest} s`;
    lines.push(`key unusable after the API restart (longest, keyed requests in flight at the kill): ${shown}`);
    for (const k of c.keysInFlight)
      lines.push(
        `  - ${k.where} (in flight for ${k.inFlightForMs} ms): ${
          k.usableAfterRestartMs === null
            ? 'every retry refused for its key'
            : `usable ${s(k.usableAfterRestartMs)} s after the restart (that retry: ${k.firstAnswerNotRefused})`
        }; before it: ${JSON.stringify(k.answersBefore)}; ${
          k.handledAfterRestartMs === null ? 'never handled' : `first handled ${s(k.handledAfterRestartMs)} s after the restart → ${k.firstHandledAnswer}`
        }; final ${k.operationFinal}`,
      );
  }
  section('workflows still with pending work at the end', rep.settled.pending);
  section('workflows that failed, timed out or were terminated', rep.settled.badlyEnded);
  section('link codes whose invitation, offer or delegated-admin relationship does not exist', rep.leftovers.orphanLinkCodes);
  lines.push(
    `idempotency keys by state: ${JSON.stringify(rep.leftovers.idempotencyKeyStates)}; in progress with a lease still held: ${rep.leftovers.keysInProgress.filter((k) => k.leaseHeld !== false).length}`,
  );
  lines.push(`unattributed invitations/offers: ${JSON.stringify(rep.leftovers.unattributed)}`);
  lines.push(
    `JSON report: ${jsonPath}`,
    `servers' data and logs: ${rep.serversDir}${process.env.OFFERFLOW_TEST_KEEP ? '' : ' (removed; OFFERFLOW_TEST_KEEP=1 keeps them)'}`,
    '',
  );
  return lines.join('\n');
}
