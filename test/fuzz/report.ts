import fs from 'node:fs';
import readline from 'node:readline';

/** What one schemathesis run found for one operation ("POST /v1/users"). */
export interface OperationOutcome {
  cases: number;
  /** Distinct failures: "check: title (status)" → how many cases showed it. */
  failures: Map<string, number>;
}

export interface RunOutcome {
  cases: number;
  operations: Map<string, OperationOutcome>;
  /** Errors of the run that no check reported (a request that got no answer, a schema that would not load). */
  errors: string[];
}

interface Check {
  name: string;
  status: string;
  failure_info?: { failure?: { title?: string; code?: string } };
}

interface Recorder {
  label: string;
  cases?: Record<string, { value: { method: string; path: string } }>;
  checks?: Record<string, Check[]>;
  interactions?: Record<string, { response?: { status_code: number } }>;
}

/**
 * Reads schemathesis's NDJSON event stream (--report ndjson): every case it sent, by the
 * operation it called (stateful scenarios call several), and every check that failed on it.
 */
export async function readNdjson(file: string): Promise<RunOutcome> {
  const outcome: RunOutcome = { cases: 0, operations: new Map(), errors: [] };
  const operation = (label: string) => {
    let o = outcome.operations.get(label);
    if (!o) outcome.operations.set(label, (o = { cases: 0, failures: new Map() }));
    return o;
  };
  if (!fs.existsSync(file)) {
    outcome.errors.push(`no report: ${file} is missing`);
    return outcome;
  }
  for await (const line of readline.createInterface({ input: fs.createReadStream(file) })) {
    if (!line) continue;
    const event = JSON.parse(line) as Record<string, Record<string, unknown>>;
    const [type, body] = Object.entries(event)[0]!;
    if (type === 'ScenarioFinished' || type === 'FuzzScenarioFinished') {
      const recorder = body.recorder as Recorder;
      for (const [id, c] of Object.entries(recorder.cases ?? {})) {
        const o = operation(`${c.value.method} ${c.value.path}`);
        o.cases += 1;
        outcome.cases += 1;
        for (const check of recorder.checks?.[id] ?? []) {
          if (check.status === 'success' || check.status === 'skip') continue;
          const f = check.failure_info?.failure;
          const status = recorder.interactions?.[id]?.response?.status_code;
          const key = `${check.name}: ${f?.title ?? check.status}${status === undefined ? '' : ` (${status})`}`;
          o.failures.set(key, (o.failures.get(key) ?? 0) + 1);
        }
      }
    } else if (type === 'NonFatalError') {
      const value = body.value as { type?: string; message?: string } | undefined;
      const what = `error: ${value?.type ?? 'error'}: ${(value?.message ?? '').split('\n')[0]}`;
      const label = body.label as string | undefined;
      if (label && body.related_to_operation) operation(label).failures.set(what, (operation(label).failures.get(what) ?? 0) + 1);
      else outcome.errors.push(what);
    } else if (type === 'FatalError') {
      outcome.errors.push(`schemathesis stopped: ${JSON.stringify(body.exception ?? body).slice(0, 500)}`);
    } else if (type === 'Interrupted') {
      outcome.errors.push('schemathesis was interrupted');
    }
  }
  return outcome;
}

/** Two runs' outcomes as one (a token kind's main run and the run of its self-destructive operations). */
export function mergeOutcomes(a: RunOutcome, b: RunOutcome): RunOutcome {
  const operations = new Map(a.operations);
  for (const [label, o] of b.operations) {
    const into = operations.get(label);
    if (!into) operations.set(label, o);
    else {
      const failures = new Map(into.failures);
      for (const [what, n] of o.failures) failures.set(what, (failures.get(what) ?? 0) + n);
      operations.set(label, { cases: into.cases + o.cases, failures });
    }
  }
  return { cases: a.cases + b.cases, operations, errors: [...a.errors, ...b.errors] };
}
