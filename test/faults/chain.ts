import { linkCode, newCustomer } from '../support/flows';
import type { OpResult, SaneClient } from './client';

/**
 * One onboarding chain through the HTTP API only, as a sane client drives it:
 * invitation → a new customer accepts it (its token, once) → purchase offer → the
 * customer accepts it with other counts → changes its licenses → the partner asks
 * for delegated administration → the customer grants it.
 *
 * A step whose retry is refused as already done (`offer-not-open` after an answer
 * that never arrived, …) is recorded as refused, and the chain goes on from what the
 * API shows (as a client would, reading it back), so that what follows is still
 * driven and counted; any other final failure ends the chain.
 */

export const OFFER_LICENSES = 10;
export const BOUGHT_LICENSES = 12;
export const CHANGED_LICENSES = 14;
export const SKU = 'BUS-STD';

export interface ChainActor {
  label: string;
  partner: { id: string; email: string };
  /** A partner user of the chain's own (customer role full): what it creates is the chain's. */
  user: { id: string; token: string };
}

export interface StepRecord {
  step: string;
  ok: boolean;
  status: OpResult['status'];
  problem?: string;
  ms: number;
  attempts: number;
  answerLost: boolean;
  /** The retry of an operation whose answer was lost was refused as already done; the chain read the state back. */
  refusedAsDone?: boolean;
  text?: string;
}

export interface ChainResult {
  label: string;
  partnerId: string;
  userId: string;
  customer: { name: string; domain: string; email: string };
  startedAt: number;
  endedAt: number;
  customerId?: string;
  token?: string;
  invitationId?: string;
  offerId?: string;
  subscriptionId?: string;
  relationshipId?: string;
  steps: StepRecord[];
  /** Every step took effect as far as the client can tell. */
  completed: boolean;
  stoppedAt?: StepRecord;
}

class ChainStopped extends Error {}

/** How long a read-back waits for the records to show a change the API refused to make again (they lag its workflow). */
const READ_BACK_MS = 30_000;

/** `afterStep` runs after each changing request (the control chain lets the system settle there). */
export async function runChain(client: SaneClient, actor: ChainActor, afterStep: () => Promise<unknown> = async () => undefined): Promise<ChainResult> {
  const tenant = newCustomer(`Faults ${actor.label}`);
  const r: ChainResult = {
    label: actor.label,
    partnerId: actor.partner.id,
    userId: actor.user.id,
    customer: { name: tenant.name, domain: tenant.domain, email: tenant.contact.email },
    startedAt: Date.now(),
    endedAt: 0,
    steps: [],
    completed: false,
  };
  const call = async (step: string, method: 'GET' | 'POST', path: string, body: unknown, token?: string): Promise<OpResult> => {
    const res = await client.call({ chain: actor.label, step, method, path, body, token });
    if (method !== 'GET') await afterStep();
    return res;
  };
  const record = (res: OpResult, extra: Partial<StepRecord> = {}): StepRecord => {
    const s: StepRecord = {
      step: res.step,
      ok: res.ok,
      status: res.status,
      problem: res.problem,
      ms: res.endedAt - res.startedAt,
      attempts: res.attempts,
      answerLost: res.answerLost,
      text: res.ok ? undefined : res.text,
      ...extra,
    };
    r.steps.push(s);
    return s;
  };
  /** The step's answer, or the chain ends here. */
  const expectOk = (res: OpResult, has: (body: any) => unknown): any => {
    const s = record(res);
    if (!res.ok || !has(res.body)) {
      if (res.ok) Object.assign(s, { ok: false, text: `answer without what the next step needs: ${res.text}` });
      r.stoppedAt = s;
      throw new ChainStopped();
    }
    return res.body;
  };
  /** A refusal as already done after a lost answer: read back with `readBack`; otherwise the chain ends here. */
  const okOrDone = async (res: OpResult, refusals: string[], readBack: () => Promise<unknown>): Promise<any> => {
    if (res.ok) return expectOk(res, () => true);
    if (res.answerLost && res.problem && refusals.includes(res.problem)) {
      record(res, { refusedAsDone: true });
      for (const until = Date.now() + READ_BACK_MS; ; await new Promise((w) => setTimeout(w, 1000))) {
        const back = await readBack();
        if (back) return back;
        if (Date.now() > until) break;
      }
      r.steps[r.steps.length - 1]!.text += ` (and the state read back did not show it done within ${READ_BACK_MS / 1000} s)`;
    } else record(res);
    r.stoppedAt = r.steps[r.steps.length - 1];
    throw new ChainStopped();
  };
  const partner = actor.user.token;
  try {
    const invitation = expectOk(await call('invite', 'POST', '/v1/invitations', { sku: SKU }, partner), (b) => b?.id && b?.url);
    r.invitationId = invitation.id;

    const accepted = expectOk(
      await call('accept-invitation', 'POST', `/v1/links/${linkCode(invitation.url)}/accept`, { customer: tenant }),
      (b) => b?.customer?.id && b?.token && b?.subscriptionId,
    );
    r.customerId = accepted.customer.id as string;
    r.token = accepted.token as string;
    r.subscriptionId = accepted.subscriptionId as string;
    const customer = r.token;

    const offer = expectOk(
      await call('offer', 'POST', '/v1/offers', { customerIds: [r.customerId], items: [{ sku: SKU, licenses: OFFER_LICENSES }] }, partner),
      (b) => b?.id && b?.url,
    );
    r.offerId = offer.id;

    const subscriptions = () => call('read-subscriptions', 'GET', '/v1/customer/subscriptions', undefined, customer);
    const bought = (res: OpResult) =>
      res.ok && (res.body as Array<{ id: string; status: string }>).find((s) => s.id === r.subscriptionId && s.status === 'active');
    await okOrDone(
      await call('accept-offer', 'POST', `/v1/links/${linkCode(offer.url)}/accept`, { licenses: { [SKU]: BOUGHT_LICENSES } }, customer),
      ['offer-not-open'],
      async () => bought(await subscriptions()),
    );

    await okOrDone(
      await call('change-licenses', 'POST', `/v1/customer/subscriptions/${r.subscriptionId}/licenses`, { licenses: CHANGED_LICENSES }, customer),
      ['license-count-unchanged'],
      async () => {
        const res = await subscriptions();
        return res.ok && (res.body as Array<{ id: string; licenses: number }>).find((s) => s.id === r.subscriptionId && s.licenses === CHANGED_LICENSES);
      },
    );

    const relationships = (status: string) => async () => {
      const res = await call('read-delegated-admin', 'GET', '/v1/customer/delegated-admin', undefined, customer);
      return res.ok && (res.body as Array<{ id: string; partnerId: string; status: string }>).find((x) => x.partnerId === r.partnerId && x.status === status);
    };
    const asked = await okOrDone(
      await call('request-delegated-admin', 'POST', `/v1/customers/${r.customerId}/delegated-admin`, {}, partner),
      ['conflict'],
      relationships('approval-pending'),
    );
    r.relationshipId = asked.id;

    await okOrDone(
      await call('accept-delegated-admin', 'POST', `/v1/customer/delegated-admin/${r.relationshipId}/accept`, undefined, customer),
      ['relationship-not-pending'],
      relationships('active'),
    );
    r.completed = true;
  } catch (err) {
    if (!(err instanceof ChainStopped)) throw err;
  }
  r.endedAt = Date.now();
  return r;
}
