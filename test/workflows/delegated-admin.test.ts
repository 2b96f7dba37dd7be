import type { WorkflowHandle } from '@temporalio/client';
import { DelegatedAdminFailure } from '../../workflows/delegated-admin/failures';
import { acceptRelationshipUpdate, actInCustomerUpdate, relationshipStateQuery, terminateRelationshipUpdate } from '../../workflows/delegated-admin/messages';
import { delegatedAdminStart } from '../../workflows/delegated-admin/start';
import type { DelegatedAdminInput } from '../../workflows/delegated-admin/types';
import { delegatedAdminWorkflow } from '../../workflows/delegated-admin/workflow';
import { useTimeSkipping } from '../support/time-skipping';
import { DAY, expectNear, HOUR, ms, refusal, relationshipInput } from './inputs';

// A delegated-admin relationship's timers with the API's default durations: 90 days to answer,
// 730 days once accepted, the expiry notice 7 days before the end, extensions of 180 days.
const ts = useTimeSkipping();

const near = expectNear;
const start = (input: DelegatedAdminInput) => ts.start(delegatedAdminWorkflow, delegatedAdminStart(input));
const statuses = (h: WorkflowHandle) => ts.callsTo('saveRelationship', h.workflowId).map(([r]) => r.status);
/** The e-mails sent, by time, then recipient (partner and customer are told in parallel). */
const mail = (h: WorkflowHandle) =>
  ts
    .callsTo('sendEmail', h.workflowId)
    .map(([m]) => ({ kind: m.kind, to: m.to, at: m.at }))
    .sort((a, b) => ms(a.at) - ms(b.at) || a.to.localeCompare(b.to));
const state = (h: WorkflowHandle) => h.query(relationshipStateQuery);
/** Moves the server's clock to `t` (epoch ms). */
const until = async (t: number) => ts.sleep(t - (await ts.now()));

describe('a request neither accepted nor declined', () => {
  it('lapses after the 90-day approval timeout: nothing was ever granted', async () => {
    const input = relationshipInput();
    const h = await start(input);
    const final = await h.result();
    expect(final).toMatchObject({ status: 'lapsed', endedBy: 'system', extensions: 0 });
    expect(final.acceptedAt).toBeUndefined();
    near(final.endedAt, ms(final.requestedAt) + 90 * DAY);
    expect(statuses(h)).toEqual(['approval-pending', 'lapsed']);
    expect(ts.callsTo('recordStage', h.workflowId).map(([r]) => [r.stage, r.by])).toEqual([
      ['delegated-admin-approval-pending', input.requestedBy],
      ['delegated-admin-lapsed', 'system'],
    ]);
    expect(mail(h).map((m) => [m.kind, m.to])).toEqual([
      ['delegated-admin-requested', input.partnerEmail],
      ['delegated-admin-requested', input.customerEmail],
    ]);
  });

  it('accepted on day 89, it does not lapse: it is active for 730 days from the acceptance', async () => {
    const h = await start(relationshipInput());
    await ts.eventually(() => statuses(h).length === 1, 'the request stored');
    const requestedAt = ms((await state(h)).requestedAt);
    await until(requestedAt + 89 * DAY);
    const accepted = await h.executeUpdate(acceptRelationshipUpdate, { args: [{ by: 'customer' }] });
    expect(accepted.status).toBe('active');
    near(accepted.acceptedAt, requestedAt + 89 * DAY);
    expect(ms(accepted.endsAt!)).toBe(ms(accepted.acceptedAt!) + 730 * DAY);
    await until(requestedAt + 100 * DAY);
    expect((await state(h)).status).toBe('active');
    expect(statuses(h)).toEqual(['approval-pending', 'active']);
    expect((await refusal(h.executeUpdate(acceptRelationshipUpdate, { args: [{ by: 'customer' }] }))).type).toBe(DelegatedAdminFailure.NotPending);
  });
});

describe('an active relationship', () => {
  it('gets its expiry notice 7 days before the end (expiring), then expires at the end', async () => {
    const input = relationshipInput({ acceptedAtStart: true });
    const h = await start(input);
    await ts.eventually(() => statuses(h).length === 1, 'the relationship stored');
    const endsAt = ms((await state(h)).endsAt!);
    near(endsAt, ms((await state(h)).acceptedAt!) + 730 * DAY);

    await until(endsAt - 7 * DAY - HOUR);
    expect((await state(h)).status).toBe('active');
    expect(mail(h)).toEqual([]);
    await until(endsAt - 7 * DAY + HOUR);
    expect((await state(h)).status).toBe('expiring');
    const notices = mail(h);
    expect(notices.map((m) => [m.kind, m.to])).toEqual([
      ['delegated-admin-expiring', input.partnerEmail],
      ['delegated-admin-expiring', input.customerEmail],
    ]);
    near(notices[0]!.at, endsAt - 7 * DAY);

    const final = await h.result();
    expect(final).toMatchObject({ status: 'expired', endedBy: 'system', extensions: 0 });
    near(final.endedAt, endsAt);
    expect(statuses(h)).toEqual(['active', 'expiring', 'expired']);
    expect(mail(h).map((m) => m.kind)).toEqual(['delegated-admin-expiring', 'delegated-admin-expiring', 'delegated-admin-expired', 'delegated-admin-expired']);
  });

  it('with auto-extension: extended by 180 days at each end (a notice before each), until the customer terminates it', async () => {
    const input = relationshipInput({ acceptedAtStart: true, autoExtend: true });
    const h = await start(input);
    await ts.eventually(() => statuses(h).length === 1, 'the relationship stored');
    const firstEnd = ms((await state(h)).endsAt!);

    await until(firstEnd + HOUR);
    const once = await state(h);
    expect(once).toMatchObject({ status: 'active', extensions: 1 });
    expect(ms(once.endsAt!)).toBe(firstEnd + 180 * DAY);
    expect(statuses(h)).toEqual(['active', 'expiring', 'active']);

    await until(firstEnd + 180 * DAY - 7 * DAY + HOUR);
    expect((await state(h)).status).toBe('expiring');
    await until(firstEnd + 180 * DAY + HOUR);
    const twice = await state(h);
    expect(twice).toMatchObject({ status: 'active', extensions: 2 });
    expect(ms(twice.endsAt!)).toBe(firstEnd + 360 * DAY);
    const notices = mail(h).filter((m) => m.kind === 'delegated-admin-expiring');
    expect(notices).toHaveLength(4); // partner and customer, before each end
    near(notices[2]!.at, firstEnd + 173 * DAY);

    const terminated = await h.executeUpdate(terminateRelationshipUpdate, { args: [{ by: 'customer' }] });
    expect(terminated).toMatchObject({ status: 'terminated', endedBy: 'customer', extensions: 2 });
    const final = await h.result();
    expect(final.status).toBe('terminated');
    expect(
      mail(h)
        .slice(-2)
        .map((m) => m.kind),
    ).toEqual(['delegated-admin-terminated', 'delegated-admin-terminated']);
  });

  it('terminated while expiring: it does not expire or extend afterwards', async () => {
    const h = await start(relationshipInput({ acceptedAtStart: true, autoExtend: true }));
    await ts.eventually(() => statuses(h).length === 1, 'the relationship stored');
    const endsAt = ms((await state(h)).endsAt!);
    await until(endsAt - 3 * DAY);
    expect((await state(h)).status).toBe('expiring');
    await h.executeUpdate(terminateRelationshipUpdate, { args: [{ by: 'customer' }] });
    const final = await h.result();
    expect(final).toMatchObject({ status: 'terminated', extensions: 0 });
    expect(statuses(h)).toEqual(['active', 'expiring', 'terminated']);
  });
});

describe('acting in the customer', () => {
  const act = (h: WorkflowHandle, userRole: 'full' | 'limited' | 'none' = 'full', kind: 'create-user' | 'reset-password' = 'create-user') =>
    h.executeUpdate(actInCustomerUpdate, {
      args: [
        {
          action:
            kind === 'create-user'
              ? { kind, userId: `cuu_${Math.random().toString(36).slice(2)}`, email: 'a@tenant.example', displayName: 'A', role: 'user', skus: [] }
              : { kind, userId: 'cuu_1', passwordHash: 'scrypt$x' },
          userId: 'usr_partner',
          userRole,
        },
      ],
    });

  it('is refused before acceptance and after the end; the end waits for the acts it let start', async () => {
    const h = await start(relationshipInput());
    await ts.eventually(() => statuses(h).length === 1, 'the request stored');
    expect((await refusal(act(h))).type).toBe(DelegatedAdminFailure.NotGranting);
    await h.executeUpdate(acceptRelationshipUpdate, { args: [{ by: 'customer' }] });

    let release!: () => void;
    const released = new Promise<void>((r) => (release = r));
    const done: string[] = [];
    ts.stub('actInCustomer', async ({ action }) => {
      await released;
      done.push('act');
      return { kind: action.kind, targetId: 'x' };
    });
    const inFlight = act(h);
    await ts.eventually(() => ts.callsTo('actInCustomer', h.workflowId).length === 1, 'the act started');
    const ending = h.executeUpdate(terminateRelationshipUpdate, { args: [{ by: 'customer' }] }).then((s) => {
      done.push('ended');
      return s;
    });
    await new Promise((r) => setTimeout(r, 500));
    expect(done).toEqual([]); // the end waits for the act
    expect((await refusal(act(h))).type).toBe(DelegatedAdminFailure.NotGranting); // while it ends, nothing new starts
    release();
    await inFlight;
    expect((await ending).status).toBe('terminated');
    expect(done).toEqual(['act', 'ended']);
    expect(ts.callsTo('actInCustomer', h.workflowId)).toHaveLength(1);
  });

  it('acts with the lower of the user’s role and the relationship’s', async () => {
    const h = await start(relationshipInput({ acceptedAtStart: true, role: 'limited' }));
    await ts.eventually(() => statuses(h).length === 1, 'the relationship stored');
    expect((await refusal(act(h, 'full', 'create-user'))).type).toBe(DelegatedAdminFailure.RoleTooLow);
    expect(await act(h, 'full', 'reset-password')).toMatchObject({ kind: 'reset-password' });
    expect(ts.callsTo('actInCustomer', h.workflowId)[0]![0].role).toBe('limited');
    expect((await refusal(act(h, 'none', 'reset-password'))).type).toBe(DelegatedAdminFailure.RoleTooLow);
  });

  it('continues as new when its history grows, still granting, and ends on time', async () => {
    const input = relationshipInput({ acceptedAtStart: true, maxHistoryEvents: 60 });
    const h = await start(input);
    await ts.eventually(() => statuses(h).length === 1, 'the relationship stored');
    const first = await state(h);
    for (let i = 0; i < 12; i++) await act(ts.client.workflow.getHandle(h.workflowId, undefined, { firstExecutionRunId: h.firstExecutionRunId }));
    await ts.eventually(async () => (await h.describe()).runId !== h.firstExecutionRunId || undefined, 'a new run');
    const saved = ts.callsTo('saveRelationship', h.workflowId).map(([r]) => r);
    expect(new Set(saved.map((r) => r.runId)).size).toBeGreaterThan(1);
    expect(saved.every((r) => r.firstRunId === h.firstExecutionRunId)).toBe(true);
    expect(saved.map((r) => r.revision)).toEqual(saved.map((_, i) => i + 1)); // revisions go on across runs
    const now = await state(ts.client.workflow.getHandle(h.workflowId));
    expect(now).toMatchObject({ status: 'active', endsAt: first.endsAt, relationshipId: first.relationshipId });
    expect(await act(ts.client.workflow.getHandle(h.workflowId))).toMatchObject({ kind: 'create-user' });
    const final = await ts.client.workflow.getHandle(h.workflowId).result();
    expect(final.status).toBe('expired');
    near(final.endedAt, ms(first.endsAt!));
  });
});
