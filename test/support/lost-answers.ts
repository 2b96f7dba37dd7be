import type { Client } from '@temporalio/client';

/**
 * Fault injection for tests, at the API's edge to Temporal (nothing in production
 * code): the API's client does the real call — the workflow makes its change —
 * and then the answer is lost on the way back (Temporal unreachable, as when it
 * restarts, or the API process dies right then), or arrives late. What the
 * caller does next (retry with its Idempotency-Key) must meet that change, not
 * make it again.
 */
export type AnswerFault = { lose: true } | { delayMs: number };
type Method = 'executeUpdate' | 'executeUpdateWithStart';

export interface AnswerFaults {
  /** The client to hand the API. */
  client: Client;
  /** The next `count` answers of `method` (whose call matches `match`, if given) suffer `fault`. */
  next(method: Method, fault: AnswerFault, count?: number): void;
  /** How many planned faults have not happened yet. */
  pending(): number;
}

/** A gRPC UNAVAILABLE as the client reports it when the frontend cannot be reached. */
export const unavailable = () => Object.assign(new Error('14 UNAVAILABLE: injected: the answer was lost'), { code: 14, details: 'injected', metadata: {} });

export function answerFaults(real: Client): AnswerFaults {
  const plan: Array<{ method: Method; fault: AnswerFault }> = [];
  const suffer = async <T>(method: Method, call: Promise<T>): Promise<T> => {
    const i = plan.findIndex((p) => p.method === method);
    const planned = i >= 0 ? plan.splice(i, 1)[0] : undefined;
    const answer = await call; // the change is made
    if (!planned) return answer;
    if ('lose' in planned.fault) throw unavailable();
    await new Promise((r) => setTimeout(r, (planned.fault as { delayMs: number }).delayMs));
    return answer;
  };
  const passOn = (target: object, prop: string | symbol) => {
    const v = Reflect.get(target, prop) as unknown;
    return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
  };
  const handle = <H extends object>(h: H): H =>
    new Proxy(h, {
      get: (t, prop) =>
        prop === 'executeUpdate' ? (...a: unknown[]) => suffer('executeUpdate', (t as any).executeUpdate(...a) as Promise<unknown>) : passOn(t, prop),
    });
  const workflow = new Proxy(real.workflow, {
    get: (t, prop) => {
      if (prop === 'getHandle') return (...a: unknown[]) => handle((t.getHandle as (...x: unknown[]) => object)(...a));
      if (prop === 'executeUpdateWithStart')
        return (...a: unknown[]) => suffer('executeUpdateWithStart', (t.executeUpdateWithStart as any)(...a) as Promise<unknown>);
      return passOn(t, prop);
    },
  });
  const client = new Proxy(real, { get: (t, prop) => (prop === 'workflow' ? workflow : passOn(t, prop)) });
  return {
    client,
    next(method, fault, count = 1) {
      for (let i = 0; i < count; i++) plan.push({ method, fault });
    },
    pending: () => plan.length,
  };
}
