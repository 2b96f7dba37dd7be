import type { WorkflowHandle } from '@temporalio/client';
import { ServiceRequestFailure } from '../../workflows/service-requests/failures';
import {
  addServiceRequestNoteUpdate,
  serviceRequestRecordedUpdate,
  serviceRequestStateQuery,
  setServiceRequestStatusUpdate,
} from '../../workflows/service-requests/messages';
import { serviceRequestStart } from '../../workflows/service-requests/start';
import type { ServiceRequestInput, ServiceRequestParty, ServiceRequestStatus } from '../../workflows/service-requests/types';
import { serviceRequestWorkflow } from '../../workflows/service-requests/workflow';
import { useTimeSkipping } from '../support/time-skipping';
import { DAY, HOUR, expectNear, ms, refusal, serviceRequestInput } from './inputs';

// A service request's reminder with the default time (2 days of attention needed), on the time-skipping server.
const ts = useTimeSkipping();

const requestInput = serviceRequestInput;

const start = async (input: ServiceRequestInput) => {
  const h = await ts.start(serviceRequestWorkflow, serviceRequestStart(input));
  await h.executeUpdate(serviceRequestRecordedUpdate);
  return h;
};
const customer = (input: ServiceRequestInput): ServiceRequestParty => ({ kind: 'customer', id: input.customerId });
const partnerUser: ServiceRequestParty = { kind: 'partner-user', id: 'usr_ada', relationshipId: 'rel_1' };
const note = (h: WorkflowHandle, text: string, by: ServiceRequestParty, updateId?: string) =>
  h.executeUpdate(addServiceRequestNoteUpdate, { updateId, args: [{ text, by }] });
const setStatus = (h: WorkflowHandle, status: ServiceRequestStatus, by: ServiceRequestParty, updateId?: string) =>
  h.executeUpdate(setServiceRequestStatusUpdate, { updateId, args: [{ status, by }] });
const mail = (h: WorkflowHandle) => ts.callsTo('sendEmail', h.workflowId).map(([m]) => m);
const reminders = (h: WorkflowHandle) => mail(h).filter((m) => m.kind === 'service-request-reminder');
const until = async (t: number) => ts.sleep(t - (await ts.now()));

describe('a service request', () => {
  it('through its whole life: opened, noted by both sides (each told the other), attention needed, reminded, closed', async () => {
    const input = requestInput();
    const h = await start(input);
    const opened = await h.query(serviceRequestStateQuery);
    expect(opened).toMatchObject({ status: 'open', severity: 'critical', notes: [], history: [{ n: 1, change: { kind: 'opened' }, by: customer(input) }] });
    expect(mail(h).map((m) => [m.kind, m.to])).toEqual([['service-request-opened', input.partnerEmail]]);

    const afterPartner = await note(h, 'We are looking at your MX records.', partnerUser);
    expect(afterPartner.notes).toEqual([{ n: 1, by: partnerUser, text: 'We are looking at your MX records.', at: expect.any(String) }]);
    await note(h, '  Thanks — still nothing arrives.  ', customer(input));
    expect(mail(h).map((m) => [m.kind, m.to])).toEqual([
      ['service-request-opened', input.partnerEmail],
      ['service-request-note', input.customerEmail],
      ['service-request-note', input.partnerEmail],
    ]);
    expect(mail(h)[2]!.text).toContain('Thanks — still nothing arrives.');

    const attention = await setStatus(h, 'attention-needed', customer(input));
    expect(attention.status).toBe('attention-needed');
    const since = ms(attention.attentionSince!);
    await until(since + 2 * DAY - HOUR);
    expect(reminders(h)).toEqual([]);
    await until(since + 2 * DAY + HOUR);
    expect(reminders(h).map((m) => m.to)).toEqual([input.partnerEmail]);
    expectNear(reminders(h)[0]!.at, since + 2 * DAY);
    await until(since + 10 * DAY); // one reminder per attention period
    expect(reminders(h)).toHaveLength(1);

    const closed = await setStatus(h, 'closed', partnerUser);
    expect(closed).toMatchObject({ status: 'closed', closedAt: expect.any(String) });
    const final = await h.result();
    expect(final.history.map((e) => [e.n, e.change.kind, e.by.kind, e.change.from ?? null, e.change.to ?? null])).toEqual([
      [1, 'opened', 'customer', null, null],
      [2, 'note', 'partner-user', null, null],
      [3, 'note', 'customer', null, null],
      [4, 'status', 'customer', 'open', 'attention-needed'],
      [5, 'reminder', 'system', null, null],
      [6, 'status', 'partner-user', 'attention-needed', 'closed'],
    ]);
    // every change stored, in order, and audited by the workflow
    const saved = ts.callsTo('saveServiceRequest', h.workflowId).map(([s]) => s);
    expect(saved.map((s) => s.revision)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(saved.at(-1)).toMatchObject({ status: 'closed', history: final.history, notes: final.notes });
    const audits = ts.callsTo('recordAuditEvent', h.workflowId).map(([a]) => a);
    expect(audits.map((a) => a.action)).toEqual([
      'service-request.opened',
      'service-request.noted',
      'service-request.noted',
      'service-request.status-changed',
      'service-request.status-changed',
    ]);
    expect(audits[1]).toMatchObject({
      partnerId: input.partnerId,
      target: { kind: 'service-request', id: input.serviceRequestId },
      details: { customerId: input.customerId, relationshipId: 'rel_1', note: 1 },
    });
    expect(audits[3]!.details).toEqual({ customerId: input.customerId, from: 'open', to: 'attention-needed' });
  });

  it('reminds once per attention period, and not when the status changes before the deadline', async () => {
    const input = requestInput({ attentionReminderMs: 3 * DAY });
    const h = await start(input);
    const first = await setStatus(h, 'attention-needed', customer(input));
    await until(ms(first.attentionSince!) + 2 * DAY);
    await setStatus(h, 'open', partnerUser); // answered in time: no reminder
    await until(ms(first.attentionSince!) + 10 * DAY);
    expect(reminders(h)).toEqual([]);

    const second = await setStatus(h, 'attention-needed', customer(input));
    await until(ms(second.attentionSince!) + 3 * DAY + HOUR);
    expect(reminders(h)).toHaveLength(1);
    await setStatus(h, 'open', partnerUser);
    const third = await setStatus(h, 'attention-needed', customer(input));
    await until(ms(third.attentionSince!) + 3 * DAY + HOUR);
    const sent = reminders(h);
    expect(sent).toHaveLength(2);
    expectNear(sent[1]!.at, ms(third.attentionSince!) + 3 * DAY);
    expect(new Set(sent.map((m) => m.key)).size).toBe(2); // each period's reminder has its own key
  });

  it('refuses empty notes, unchanged statuses, and anything once closed; the workflow ends when closed', async () => {
    const input = requestInput();
    const h = await start(input);
    expect(await refusal(note(h, '   ', customer(input)))).toMatchObject({ type: ServiceRequestFailure.InvalidInput, details: [{ field: 'text' }] });
    expect((await refusal(setStatus(h, 'open', customer(input)))).type).toBe(ServiceRequestFailure.StatusUnchanged);
    expect((await refusal(note(h, 'hello', { kind: 'partner-user', id: 'usr_x' }))).type).toBe(ServiceRequestFailure.InvalidInput);
    await setStatus(h, 'closed', customer(input));
    const final = await h.result();
    expect(final.status).toBe('closed');
    expect(final.notes).toEqual([]);
    expect(ts.callsTo('saveServiceRequest', h.workflowId).map(([s]) => s.status)).toEqual(['open', 'closed']);
  });

  it('refuses a note to a closed request while its last handlers finish', async () => {
    const input = requestInput();
    const h = await start(input);
    // the close waits on its audit entry; a note sent meanwhile is refused, not lost after the close
    let release: () => void = () => undefined;
    const held = new Promise<void>((r) => (release = r));
    ts.stub('recordAuditEvent', async (e) => {
      if (e.action === 'service-request.status-changed') await held;
    });
    const closing = setStatus(h, 'closed', customer(input));
    await ts.eventually(() => ts.callsTo('saveServiceRequest', h.workflowId).some(([s]) => s.status === 'closed'), 'the close stored');
    const refused = await refusal(note(h, 'one more thing', customer(input)));
    expect(refused).toMatchObject({ type: ServiceRequestFailure.Closed, details: [{ serviceRequestStatus: 'closed' }] });
    release();
    expect((await closing).status).toBe('closed');
    expect((await h.result()).notes).toEqual([]);
  });

  it('continues as new when its history grows, keeping the whole history, the reminder and the updates it applied', async () => {
    const input = requestInput({ continueAsNewAfter: 3 });
    const h = await start(input);
    for (let i = 1; i <= 4; i++) await note(h, `note ${i}`, i % 2 ? customer(input) : partnerUser, `note-${i}`);
    await ts.eventually(async () => (await h.describe()).runId !== h.firstExecutionRunId, 'a new run');
    // a retry of an update applied in the earlier run meets it done
    const retried = await note(h, 'note 1', customer(input), 'note-1');
    expect(retried.notes.map((n) => n.text)).toEqual(['note 1', 'note 2', 'note 3', 'note 4']);
    const attention = await setStatus(h, 'attention-needed', partnerUser, 'attention');
    await until(ms(attention.attentionSince!) + 2 * DAY + HOUR);
    expect(reminders(h)).toHaveLength(1);
    await setStatus(h, 'closed', customer(input), 'close');
    const final = await h.result();
    expect(final.history.map((e) => e.n)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(final.history.map((e) => e.change.kind)).toEqual(['opened', 'note', 'note', 'note', 'note', 'status', 'reminder', 'status']);
    expect(final.notes).toHaveLength(4);
    const revisions = ts.callsTo('saveServiceRequest', h.workflowId).map(([s]) => s.revision);
    expect(revisions).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(ts.callsTo('recordAuditEvent', h.workflowId).filter(([a]) => a.action === 'service-request.noted')).toHaveLength(4);
  });
});
