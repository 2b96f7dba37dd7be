import type { z } from 'zod';
import type { PartnerPrincipal } from '../auth/principal';
import type { CustomerService } from '../customers/service';
import type { DelegatedAdminService } from '../delegated-admin/service';
import { findOwned } from '../db/owned';
import { pageById, type Page, type PageRequest } from '../db/pagination';
import { invalidInput, notFound } from '../errors';
import { idFor, requestedBy, updateIdFor, type RequestScope } from '../request-scope';
import type { ServiceDeps } from '../service-deps';
import { callWorkflow, isRefusal } from '../temporal/failures';
import type { ServiceRequestSeverity, ServiceRequestState, ServiceRequestStatus } from '../../workflows/service-requests/types';
import type { CustomerAction } from '../../workflows/delegated-admin/acting';
import type { ServiceRequestDoc } from './model';
import { serviceRequestOperations, stateOf } from './operations';
import type { openOwnServiceRequestSchema, openServiceRequestSchema } from './schemas';

export interface ServiceRequestFilter {
  status?: ServiceRequestStatus;
  severity?: ServiceRequestSeverity;
  customerId?: string;
}

type OpenBody = z.output<typeof openServiceRequestSchema>;

/**
 * Service requests (workflows/service-requests): a customer opens, notes and moves its own; a
 * partner reads those of all its customers, and its users (customer role full) act in them under
 * an active delegated-admin relationship. Every change goes through `serviceRequestOperations`,
 * the same operations a delegated-admin gate calls from an activity.
 */
export function createServiceRequestService(
  deps: Pick<ServiceDeps, 'models' | 'temporal' | 'taskQueue' | 'updateWaitMs' | 'serviceRequestReminderMs'>,
  { customers, delegatedAdmin }: { customers: CustomerService; delegatedAdmin: DelegatedAdminService },
) {
  const { models, updateWaitMs } = deps;
  const operations = serviceRequestOperations({ ...deps, attentionReminderMs: deps.serviceRequestReminderMs });
  /** An operation, its refusal as a domain error; not confirmed in time, the change goes on (503 change-in-progress, retry). */
  const call = <T>(operation: () => Promise<T>): Promise<T> => callWorkflow(operation, undefined, updateWaitMs);

  const list = (filter: Record<string, string>, page: PageRequest): Promise<Page<ServiceRequestState>> =>
    pageById(models.ServiceRequest, filter, { ...page, scope: filter, order: 'newest-first' }).then((p) => ({ ...p, items: p.items.map(stateOf) }));
  const filters = (owner: Record<string, string>, f: ServiceRequestFilter): Record<string, string> => ({
    ...owner,
    ...(f.customerId ? { customerId: f.customerId } : {}),
    ...(f.status ? { status: f.status } : {}),
    ...(f.severity ? { severity: f.severity } : {}),
  });
  const own = async (owner: { customerId?: string; partnerId?: string }, serviceRequestId: string): Promise<ServiceRequestDoc> => {
    const doc = await findOwned(models.ServiceRequest, serviceRequestId, owner);
    if (!doc) throw notFound(`service request ${serviceRequestId}`);
    return doc;
  };
  const opening = (body: OpenBody, request: RequestScope) => ({
    serviceRequestId: idFor(request, 'srq'),
    title: body.title,
    description: body.description,
    severity: body.severity,
    attentionReminderMs: body.attentionReminderSeconds === undefined ? undefined : body.attentionReminderSeconds * 1000,
    updateId: updateIdFor(request, 'recorded'),
    requested: requestedBy(request),
  });

  /** A partner user's act on one of its requests (an act under delegated administration in the request's customer); the request after it. */
  const actOnRequest = async (principal: PartnerPrincipal, serviceRequestId: string, action: CustomerAction, request: RequestScope) => {
    const r = await own({ partnerId: principal.partner._id }, serviceRequestId);
    await delegatedAdmin.act(principal, r.customerId, action, request);
    return stateOf(await own({ partnerId: principal.partner._id }, serviceRequestId));
  };

  /** The partner the customer means: the one named (it must work with it), or its only one. */
  const partnerOfCustomer = async (customerId: string, partnerId: string | undefined): Promise<string> => {
    if (partnerId) {
      await customers.requireCustomerOf(partnerId, customerId).catch((err: unknown) => {
        throw isRefusal(err, 'not-found') ? invalidInput('partnerId', `partner ${partnerId} is not one this customer works with`) : err;
      });
      return partnerId;
    }
    const partners = await customers.partnersOf(customerId);
    if (partners.length !== 1) throw invalidInput('partnerId', `name the partner (${partners.map((p) => p._id).join(', ') || 'none found'})`);
    return partners[0]!._id;
  };

  return {
    // The customer, with its token.

    /** The customer opens a request with one of its partners. */
    async openAsCustomer(customerId: string, body: z.output<typeof openOwnServiceRequestSchema>, request: RequestScope): Promise<ServiceRequestState> {
      const partnerId = await partnerOfCustomer(customerId, body.partnerId);
      return call(() => operations.open({ ...opening(body, request), partnerId, customerId, actor: { kind: 'customer' } }));
    },

    /** The customer's own requests, newest first. */
    ofCustomer: (customerId: string, filter: ServiceRequestFilter, page: PageRequest) => list(filters({ customerId }, filter), page),

    async getAsCustomer(customerId: string, serviceRequestId: string): Promise<ServiceRequestState> {
      return stateOf(await own({ customerId }, serviceRequestId));
    },

    async noteAsCustomer(customerId: string, serviceRequestId: string, text: string, request: RequestScope): Promise<ServiceRequestState> {
      const r = await own({ customerId }, serviceRequestId);
      return call(() =>
        operations.addNote({
          serviceRequestId,
          partnerId: r.partnerId,
          customerId,
          text,
          actor: { kind: 'customer' },
          requested: requestedBy(request),
          updateId: updateIdFor(request, 'note'),
        }),
      );
    },

    async statusAsCustomer(customerId: string, serviceRequestId: string, status: ServiceRequestStatus, request: RequestScope): Promise<ServiceRequestState> {
      const r = await own({ customerId }, serviceRequestId);
      return call(() =>
        operations.setStatus({
          serviceRequestId,
          partnerId: r.partnerId,
          customerId,
          status,
          actor: { kind: 'customer' },
          requested: requestedBy(request),
          updateId: updateIdFor(request, 'status'),
        }),
      );
    },

    // The partner.

    /** The partner's requests across all its customers (or one), newest first. */
    ofPartner: (partnerId: string, filter: ServiceRequestFilter, page: PageRequest) => list(filters({ partnerId }, filter), page),

    /** One customer's requests with the partner. */
    async ofPartnersCustomer(partnerId: string, customerId: string, filter: ServiceRequestFilter, page: PageRequest) {
      await customers.requireCustomerOf(partnerId, customerId);
      return list(filters({ partnerId }, { ...filter, customerId }), page);
    },

    async getAsPartner(partnerId: string, serviceRequestId: string): Promise<ServiceRequestState> {
      return stateOf(await own({ partnerId }, serviceRequestId));
    },

    /** A partner user opens a request for its customer: an act under delegated administration, run by the relationship's workflow. */
    async openAsPartner(principal: PartnerPrincipal, customerId: string, body: OpenBody, request: RequestScope): Promise<ServiceRequestState> {
      const { requested: _requested, ...fields } = opening(body, request);
      const attentionReminderMs = fields.attentionReminderMs ?? deps.serviceRequestReminderMs;
      await delegatedAdmin.act(principal, customerId, { kind: 'open-service-request', ...fields, attentionReminderMs }, request);
      return stateOf(await own({ partnerId: principal.partner._id, customerId }, fields.serviceRequestId));
    },

    noteAsPartner: (principal: PartnerPrincipal, serviceRequestId: string, text: string, request: RequestScope): Promise<ServiceRequestState> =>
      actOnRequest(principal, serviceRequestId, { kind: 'note-service-request', serviceRequestId, text, updateId: updateIdFor(request, 'note') }, request),

    statusAsPartner: (
      principal: PartnerPrincipal,
      serviceRequestId: string,
      status: ServiceRequestStatus,
      request: RequestScope,
    ): Promise<ServiceRequestState> =>
      actOnRequest(
        principal,
        serviceRequestId,
        { kind: 'set-service-request-status', serviceRequestId, status, updateId: updateIdFor(request, 'status') },
        request,
      ),
  };
}

export type ServiceRequestService = ReturnType<typeof createServiceRequestService>;
