import { ApplicationFailure, WithStartWorkflowOperation, WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { Models } from '../db/models';
import { applicationFailureOf } from '../temporal/failures';
import type { RequestedBy } from '../../workflows/audit';
import { DEFAULT_ATTENTION_REMINDER_MS } from '../../workflows/durations';
import { SERVICE_REQUEST_FAILURE_TYPES, ServiceRequestFailure } from '../../workflows/service-requests/failures';
import {
  addServiceRequestNoteUpdate,
  serviceRequestRecordedUpdate,
  serviceRequestStateQuery,
  setServiceRequestStatusUpdate,
} from '../../workflows/service-requests/messages';
import { serviceRequestStart, serviceRequestWorkflowId } from '../../workflows/service-requests/start';
import type { ServiceRequestOpening, ServiceRequestParty, ServiceRequestState, ServiceRequestStatus } from '../../workflows/service-requests/types';
import type { serviceRequestWorkflow } from '../../workflows/service-requests/workflow';
import type { ServiceRequestDoc } from './model';

/** Who acts: the customer itself, or a partner user under the delegated-admin relationship `relationshipId`. */
export type ServiceRequestActor = { kind: 'customer' } | { kind: 'partner-user'; userId: string; relationshipId: string };

interface OperationInput {
  partnerId: string;
  customerId: string;
  actor: ServiceRequestActor;
  /** Who asked, for the audit entry the workflow writes with the change. */
  requested: RequestedBy;
}

export interface OpenServiceRequestInput extends OperationInput, ServiceRequestOpening {}

export interface AddServiceRequestNoteInput extends OperationInput {
  serviceRequestId: string;
  text: string;
  /** Named by the request (`updateIdFor(request, 'note')`): a retry attaches to the same update, so the note is added once. */
  updateId?: string;
}

export interface SetServiceRequestStatusInput extends OperationInput {
  serviceRequestId: string;
  status: ServiceRequestStatus;
  /** Named by the request (`updateIdFor(request, 'status')`). */
  updateId?: string;
}

export interface ServiceRequestOperationDeps {
  temporal: Client;
  taskQueue: string;
  models: Models;
  /** Default of `attentionReminderMs` (SERVICE_REQUEST_REMINDER_MS; 2 days unless given). */
  attentionReminderMs?: number;
}

/** A stored request as its workflow holds it. */
export const stateOf = ({ _id, revision: _r, workflowId: _w, ...doc }: ServiceRequestDoc): ServiceRequestState => ({ serviceRequestId: _id, ...doc });

const failure = (type: string, message: string, details: Record<string, unknown> = {}) =>
  ApplicationFailure.create({ type, message, nonRetryable: true, details: [details] });

const notFound = (serviceRequestId: string) => failure(ServiceRequestFailure.NotFound, `service request ${serviceRequestId} was not found`);

/**
 * The service-request operations, callable from the API (its service, which turns a refusal into a domain
 * error with callWorkflow) and from inside an activity (a delegated-admin gate acting for a partner user):
 * they start or update the request's workflow idempotently (its workflow id and the update ids come from
 * the caller's request key), wait for the result, and throw a refusal as the non-retryable ApplicationFailure
 * it is (`ServiceRequestFailure`: ServiceRequestClosed, ServiceRequestStatusUnchanged,
 * ServiceRequestInvalidInput with `field`, ServiceRequestNotFound). Anything else (Temporal or MongoDB
 * unavailable) is thrown as it is: retryable.
 */
export function serviceRequestOperations({ temporal, taskQueue, models, attentionReminderMs = DEFAULT_ATTENTION_REMINDER_MS }: ServiceRequestOperationDeps) {
  const party = (input: OperationInput): ServiceRequestParty =>
    input.actor.kind === 'customer'
      ? { kind: 'customer', id: input.customerId }
      : { kind: 'partner-user', id: input.actor.userId, relationshipId: input.actor.relationshipId };

  const stored = async (serviceRequestId: string): Promise<ServiceRequestDoc | null> => models.ServiceRequest.findById(serviceRequestId).lean();

  /** Throws a workflow's refusal as the ApplicationFailure it is (the client wraps it in an update or workflow failure). */
  const refusals = async <T>(call: () => Promise<T>, whenGone: () => Promise<T>): Promise<T> => {
    try {
      return await call();
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) return whenGone();
      const refusal = applicationFailureOf(err);
      if (refusal?.type && SERVICE_REQUEST_FAILURE_TYPES.includes(refusal.type)) {
        throw ApplicationFailure.create({
          type: refusal.type,
          message: refusal.message,
          nonRetryable: true,
          details: refusal.details ? [...refusal.details] : undefined,
        });
      }
      throw err;
    }
  };

  /** The request, if it belongs to this partner and customer: stored, or (opened a moment ago) still only in its workflow. */
  const owned = async ({ serviceRequestId, partnerId, customerId }: { serviceRequestId: string; partnerId: string; customerId: string }) => {
    const doc = await stored(serviceRequestId);
    const owner =
      doc ??
      (await refusals<ServiceRequestState | null>(
        () => temporal.workflow.getHandle(serviceRequestWorkflowId(serviceRequestId)).query(serviceRequestStateQuery),
        async () => null,
      ));
    if (!owner || owner.partnerId !== partnerId || owner.customerId !== customerId) throw notFound(serviceRequestId);
  };

  /** An update to the request's workflow; one that ended (closed) refuses with its stored status. */
  const change = async <A>(
    input: OperationInput & { serviceRequestId: string; updateId?: string },
    send: (handle: ReturnType<typeof temporal.workflow.getHandle>) => Promise<A>,
  ): Promise<A> => {
    await owned(input);
    return refusals(
      () => send(temporal.workflow.getHandle(serviceRequestWorkflowId(input.serviceRequestId))),
      async () => {
        const doc = await stored(input.serviceRequestId);
        if (doc?.status === 'closed') {
          throw failure(ServiceRequestFailure.Closed, `service request ${input.serviceRequestId} is closed`, { serviceRequestStatus: 'closed' });
        }
        throw notFound(input.serviceRequestId);
      },
    );
  };

  return {
    /** Opens a service request (or meets the one this request opened already); answers once it is stored. */
    async open(input: OpenServiceRequestInput): Promise<ServiceRequestState> {
      const [partner, customer] = await Promise.all([models.Partner.findById(input.partnerId).lean(), models.Customer.findById(input.customerId).lean()]);
      if (!partner || !customer) throw failure(ServiceRequestFailure.NotFound, `customer ${input.customerId} of partner ${input.partnerId} was not found`);
      const start = serviceRequestStart({
        serviceRequestId: input.serviceRequestId,
        partnerId: input.partnerId,
        partnerEmail: partner.profile.email,
        customerId: input.customerId,
        customerEmail: customer.contacts[0]?.email ?? '',
        title: input.title,
        description: input.description,
        severity: input.severity,
        openedBy: party(input),
        requested: input.requested,
        attentionReminderMs: input.attentionReminderMs ?? attentionReminderMs,
      });
      const state = await refusals(
        async () => {
          try {
            return await temporal.workflow.executeUpdateWithStart(serviceRequestRecordedUpdate, {
              updateId: input.updateId,
              startWorkflowOperation: new WithStartWorkflowOperation<typeof serviceRequestWorkflow>('serviceRequestWorkflow', {
                ...start,
                taskQueue,
                workflowIdConflictPolicy: 'USE_EXISTING',
                workflowIdReusePolicy: 'REJECT_DUPLICATE',
              }),
            });
          } catch (err) {
            // this request's workflow ran, and the request was closed since: it stands as stored
            if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
            const doc = await stored(input.serviceRequestId);
            if (!doc) throw err;
            return stateOf(doc);
          }
        },
        () => Promise.reject(notFound(input.serviceRequestId)),
      );
      if (state.partnerId !== input.partnerId || state.customerId !== input.customerId) throw notFound(input.serviceRequestId);
      return state;
    },

    /** Appends a note by the actor; the other side is told by e-mail. */
    addNote: (input: AddServiceRequestNoteInput): Promise<ServiceRequestState> =>
      change(input, (h) =>
        h.executeUpdate(addServiceRequestNoteUpdate, { updateId: input.updateId, args: [{ text: input.text, by: party(input), requested: input.requested }] }),
      ),

    /** Moves the request to another status (closed is final). */
    setStatus: (input: SetServiceRequestStatusInput): Promise<ServiceRequestState> =>
      change(input, (h) =>
        h.executeUpdate(setServiceRequestStatusUpdate, {
          updateId: input.updateId,
          args: [{ status: input.status, by: party(input), requested: input.requested }],
        }),
      ),
  };
}

export type ServiceRequestOperations = ReturnType<typeof serviceRequestOperations>;
