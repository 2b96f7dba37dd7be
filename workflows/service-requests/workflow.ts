import {
  ApplicationFailure,
  allHandlersFinished,
  condition,
  continueAsNew,
  currentUpdateInfo,
  proxyActivities,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { OutboxActivities } from '../../activities/outbox/activities';
import type { ServiceRequestActivities } from '../../activities/service-requests/activities';
import { persistenceActivityOptions, slowerPersistenceActivityOptions } from '../activity-options';
import { auditChange, type RequestedBy } from '../audit';
import { isoNow, workflowNow } from '../clock';
import { publish } from '../events/publish';
import { LifecycleStage } from '../search-attributes';
import { serviceRequestChanged } from './events';
import { ServiceRequestFailure } from './failures';
import { addServiceRequestNoteUpdate, serviceRequestRecordedUpdate, serviceRequestStateQuery, setServiceRequestStatusUpdate } from './messages';
import { serviceRequestStage, serviceRequestWorkflowId } from './start';
import {
  SERVICE_REQUEST_STATUSES,
  type ServiceRequestChange,
  type ServiceRequestInput,
  type ServiceRequestParty,
  type ServiceRequestState,
  type ServiceRequestStatus,
} from './types';

const { saveServiceRequest } = proxyActivities<ServiceRequestActivities>(persistenceActivityOptions);
const { sendEmail } = proxyActivities<OutboxActivities>(slowerPersistenceActivityOptions);

const DEFAULT_CONTINUE_AS_NEW_AFTER = 500;
/** Update ids remembered across runs: a retry that reaches the next run meets its change done. */
const HANDLED_UPDATES_KEPT = 100;
const SYSTEM: ServiceRequestParty = { kind: 'system', id: 'system' };

/**
 * A service request of a customer, for its whole life: open ⇄ attention needed → closed.
 * The customer and the partner's users (under delegated administration) add notes and
 * change its status through validated updates, each stored with the whole history,
 * audited, and told to the other side by e-mail. While it needs attention longer than
 * `attentionReminderMs` the partner is reminded, once per attention period. Closed is
 * final: the workflow ends. A long life continues as new, carrying everything.
 */
export async function serviceRequestWorkflow(input: ServiceRequestInput): Promise<ServiceRequestState> {
  const key = serviceRequestWorkflowId(input.serviceRequestId);
  const carried = input.carried;
  const openedAt = isoNow();
  const state: ServiceRequestState = carried?.state ?? {
    serviceRequestId: input.serviceRequestId,
    partnerId: input.partnerId,
    customerId: input.customerId,
    title: input.title,
    description: input.description,
    severity: input.severity,
    status: 'open',
    notes: [],
    history: [],
    openedBy: input.openedBy,
    openedAt,
    updatedAt: openedAt,
  };
  let revision = carried?.revision ?? 0;
  let attentionPeriod = carried?.attentionPeriod ?? 0;
  let remindedPeriod = carried?.remindedPeriod ?? 0;
  const handledUpdates = [...(carried?.handledUpdates ?? [])];
  let changesThisRun = 0;
  let recorded = carried !== undefined;
  const limit = input.continueAsNewAfter ?? DEFAULT_CONTINUE_AS_NEW_AFTER;
  const longEnough = () => changesThisRun >= limit || workflowInfo().continueAsNewSuggested;

  // One change at a time: each is stored (revision after revision) before the next begins.
  let queue: Promise<unknown> = Promise.resolve();
  const serially = <T>(change: () => Promise<T>): Promise<T> => {
    const run = queue.then(change);
    queue = run.catch(() => undefined);
    return run;
  };

  const persist = async () => {
    await saveServiceRequest({
      serviceRequestId: state.serviceRequestId,
      partnerId: state.partnerId,
      customerId: state.customerId,
      title: state.title,
      description: state.description,
      severity: state.severity,
      status: state.status,
      notes: state.notes,
      history: state.history,
      openedBy: state.openedBy,
      openedAt: state.openedAt,
      updatedAt: state.updatedAt,
      ...(state.closedAt ? { closedAt: state.closedAt } : {}),
      revision: ++revision,
      workflowId: key,
    });
    upsertSearchAttributes([{ key: LifecycleStage, value: serviceRequestStage[state.status] }]);
  };
  const record = (by: ServiceRequestParty, change: ServiceRequestChange) => {
    const at = isoNow();
    state.history.push({ n: state.history.length + 1, at, by, change });
    state.updatedAt = at;
    changesThisRun++;
  };
  const audit = (action: string, by: ServiceRequestParty, requested: RequestedBy | undefined, details: Record<string, unknown>, step: string) =>
    auditChange(
      {
        partnerId: state.partnerId,
        actor: requested?.actor ?? { kind: by.kind, id: by.id },
        action: `service-request.${action}`,
        target: { kind: 'service-request', id: state.serviceRequestId },
        requestId: requested?.requestId,
        details: { customerId: state.customerId, ...(by.relationshipId ? { relationshipId: by.relationshipId } : {}), ...details },
      },
      step,
    );
  /** Tells the other side than `by`: the partner of what the customer did, the customer of what a partner user did. */
  const tellOtherSide = async (by: ServiceRequestParty, what: string, n: number, subject: string, text: string) => {
    const to = by.kind === 'customer' ? input.partnerEmail : input.customerEmail;
    if (!to) return; // a customer without a contact address: nobody to tell
    await sendEmail({
      key: `${key}:${what}:${n}`,
      partnerId: state.partnerId,
      customerId: state.customerId,
      to,
      subject,
      text,
      kind: `service-request-${what}`,
      at: isoNow(),
    });
  };

  const refuse = (message: string, type: string, details: Record<string, unknown> = {}) =>
    ApplicationFailure.nonRetryable(message, type, { serviceRequestStatus: state.status, ...details });
  const invalid = (field: string, message: string) => refuse(message, ServiceRequestFailure.InvalidInput, { field });
  const requireOpen = () => {
    if (state.status === 'closed') throw refuse(`service request ${state.serviceRequestId} is closed`, ServiceRequestFailure.Closed);
  };
  const requireAuthor = (by: ServiceRequestParty | undefined) => {
    if (!by || (by.kind !== 'customer' && by.kind !== 'partner-user') || !by.id)
      throw invalid('by', 'a note or change is made by the customer or a partner user');
    if (by.kind === 'partner-user' && !by.relationshipId) throw invalid('by', 'a partner user acts under a delegated-admin relationship');
  };
  const checkNote = ({ text, by }: { text?: unknown; by?: ServiceRequestParty }) => {
    requireOpen();
    requireAuthor(by);
    if (typeof text !== 'string' || text.trim() === '') throw invalid('text', 'a note needs some text');
  };
  const checkStatus = ({ status, by }: { status?: unknown; by?: ServiceRequestParty }) => {
    requireOpen();
    requireAuthor(by);
    if (!SERVICE_REQUEST_STATUSES.includes(status as ServiceRequestStatus))
      throw invalid('status', `status must be one of ${SERVICE_REQUEST_STATUSES.join(', ')}`);
    if (status === state.status) throw refuse(`service request ${state.serviceRequestId} is ${state.status} already`, ServiceRequestFailure.StatusUnchanged);
  };
  // The same update again, after the run it was applied in continued as new: it has been done.
  const repeated = () => {
    const id = currentUpdateInfo()?.id;
    return id !== undefined && handledUpdates.includes(id);
  };
  const handled = (updateId: string | undefined) => {
    if (updateId === undefined) return;
    handledUpdates.push(updateId);
    if (handledUpdates.length > HANDLED_UPDATES_KEPT) handledUpdates.splice(0, handledUpdates.length - HANDLED_UPDATES_KEPT);
  };

  setHandler(serviceRequestStateQuery, () => state);
  setHandler(serviceRequestRecordedUpdate, async () => {
    await condition(() => recorded);
    return state;
  });
  setHandler(
    addServiceRequestNoteUpdate,
    async (request) => {
      const updateId = currentUpdateInfo()?.id;
      if (repeated()) return state;
      await condition(() => recorded);
      return serially(async () => {
        checkNote(request); // again: a change before this one may have closed it
        const n = state.notes.length + 1;
        state.notes.push({ n, by: request.by, text: request.text.trim(), at: isoNow() });
        record(request.by, { kind: 'note', note: n });
        await persist();
        handled(updateId);
        await audit('noted', request.by, request.requested, { note: n }, updateId ?? `note:${n}`);
        const who = request.by.kind === 'customer' ? 'The customer' : 'Your partner';
        await tellOtherSide(request.by, 'note', n, `New note on service request: ${state.title}`, `${who} added a note:\n\n${request.text.trim()}`);
        await publish(serviceRequestChanged(state, request.by, { change: 'note', note: { n, text: state.notes[n - 1]!.text } }), `note:${n}`);
        return state;
      });
    },
    { validator: (request) => repeated() || checkNote(request) },
  );
  setHandler(
    setServiceRequestStatusUpdate,
    async (request) => {
      const updateId = currentUpdateInfo()?.id;
      if (repeated()) return state;
      await condition(() => recorded);
      return serially(async () => {
        checkStatus(request);
        const from = state.status;
        state.status = request.status;
        if (request.status === 'attention-needed') {
          attentionPeriod++;
          state.attentionSince = isoNow();
        } else {
          delete state.attentionSince;
        }
        if (request.status === 'closed') state.closedAt = isoNow();
        record(request.by, { kind: 'status', from, to: request.status });
        await persist();
        handled(updateId);
        await audit('status-changed', request.by, request.requested, { from, to: request.status }, updateId ?? `status:${state.history.length}`);
        await publish(serviceRequestChanged(state, request.by, { change: 'status', from, to: request.status }), `status:${state.history.length}`);
        return state;
      });
    },
    { validator: (request) => repeated() || checkStatus(request) },
  );

  if (!carried) {
    record(input.openedBy, { kind: 'opened' });
    await persist();
    await audit('opened', input.openedBy, input.requested, { title: state.title, severity: state.severity }, 'main');
    // before any change can follow it
    await publish(serviceRequestChanged(state, input.openedBy, { change: 'opened', description: state.description }), 'opened');
    recorded = true;
    const who = input.openedBy.kind === 'customer' ? 'The customer' : 'Your partner';
    await tellOtherSide(
      input.openedBy,
      'opened',
      1,
      `Service request opened: ${state.title}`,
      `${who} opened a ${state.severity} service request:\n\n${state.description}`,
    );
  }

  const remind = (period: number) =>
    serially(async () => {
      if (period !== attentionPeriod || state.status !== 'attention-needed') return; // it moved meanwhile
      remindedPeriod = period;
      record(SYSTEM, { kind: 'reminder' });
      await persist();
      await sendEmail({
        key: `${key}:reminder:${period}`,
        partnerId: state.partnerId,
        customerId: state.customerId,
        to: input.partnerEmail,
        subject: `Service request needs attention: ${state.title}`,
        text: `This ${state.severity} service request has needed your attention since ${state.attentionSince}.`,
        kind: 'service-request-reminder',
        at: isoNow(),
      });
    });

  while (state.status !== 'closed' && !longEnough()) {
    const period = attentionPeriod;
    if (state.status === 'attention-needed' && remindedPeriod < period) {
      const due = Date.parse(state.attentionSince!) + input.attentionReminderMs;
      const moved = () => attentionPeriod !== period || state.status !== 'attention-needed' || longEnough();
      if (!(await condition(moved, Math.max(1, due - workflowNow().getTime())))) await remind(period);
    } else {
      await condition(() => state.status === 'closed' || attentionPeriod !== period || longEnough());
    }
  }
  await condition(allHandlersFinished);
  if (state.status !== 'closed') {
    // a long life: the next run carries everything (history, periods, the updates it applied)
    await continueAsNew<typeof serviceRequestWorkflow>({
      ...input,
      carried: { state, revision, attentionPeriod, remindedPeriod, handledUpdates },
    });
  }
  return state;
}
