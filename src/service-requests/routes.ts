import { defineRoute } from '../api/route';
import { customerParams } from '../customers/schemas';
import type { Services } from '../services';
import { presentServiceRequest, presentServiceRequestSummary } from './present';
import {
  listPartnerServiceRequestsQuery,
  listServiceRequestsQuery,
  openOwnServiceRequestSchema,
  openServiceRequestSchema,
  serviceRequestNoteSchema,
  serviceRequestOut,
  serviceRequestParams,
  serviceRequestStatusSchema,
  serviceRequestSummaryOut,
} from './schemas';
import { page } from '../api/schemas';

const TAG = 'Service requests';
const changeProblems = ['service-request-closed', 'change-in-progress'] as const;
const statusProblems = [...changeProblems, 'service-request-status-unchanged'] as const;
const onRequest = { 200: { description: 'The service request after the change, with its notes and history', schema: serviceRequestOut } };
const location = (path: string, id: string) => ({ Location: `${path}/${id}` });

/** Service requests: customers open and follow their own; partners read all of theirs and act in them under delegated administration. */
export function serviceRequestRoutes({ serviceRequests }: Services) {
  return [
    // the customer, with its token
    defineRoute({
      method: 'post',
      path: '/v1/customer/service-requests',
      operationId: 'openOwnServiceRequest',
      summary: 'Open a service request with a partner',
      description: 'The partner is told by e-mail. While the request needs attention longer than its reminder time, the partner is reminded.',
      tag: 'Customers (self)',
      auth: 'customer',
      body: openOwnServiceRequestSchema,
      creates: true,
      responses: { 201: { description: 'Opened', schema: serviceRequestOut } },
      problems: ['change-in-progress'],
      async handler({ principal, body, request }) {
        const opened = await serviceRequests.openAsCustomer(principal.customer._id, body, request);
        return { status: 201, headers: location('/v1/customer/service-requests', opened.serviceRequestId), body: presentServiceRequest(opened) };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/v1/customer/service-requests',
      operationId: 'listOwnServiceRequests',
      summary: "The customer's service requests, newest first",
      tag: 'Customers (self)',
      auth: 'customer',
      query: listServiceRequestsQuery,
      responses: { 200: { description: 'A page of service requests', schema: page(serviceRequestSummaryOut) } },
      async handler({ principal, query }) {
        const found = await serviceRequests.ofCustomer(principal.customer._id, query, query);
        return { status: 200, body: { items: found.items.map(presentServiceRequestSummary), nextCursor: found.nextCursor } };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/v1/customer/service-requests/{serviceRequestId}',
      operationId: 'getOwnServiceRequest',
      summary: 'One of its service requests, with its notes and whole history',
      tag: 'Customers (self)',
      auth: 'customer',
      params: serviceRequestParams,
      responses: { 200: { description: 'The service request', schema: serviceRequestOut } },
      async handler({ principal, params }) {
        return { status: 200, body: presentServiceRequest(await serviceRequests.getAsCustomer(principal.customer._id, params.serviceRequestId)) };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/v1/customer/service-requests/{serviceRequestId}/notes',
      operationId: 'addOwnServiceRequestNote',
      summary: 'Add a note to one of its service requests (the partner is told)',
      tag: 'Customers (self)',
      auth: 'customer',
      params: serviceRequestParams,
      body: serviceRequestNoteSchema,
      responses: onRequest,
      problems: [...changeProblems],
      async handler({ principal, params, body, request }) {
        const r = await serviceRequests.noteAsCustomer(principal.customer._id, params.serviceRequestId, body.text, request);
        return { status: 200, body: presentServiceRequest(r) };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/v1/customer/service-requests/{serviceRequestId}/status',
      operationId: 'setOwnServiceRequestStatus',
      summary: 'Change the status of one of its service requests (closed is final)',
      tag: 'Customers (self)',
      auth: 'customer',
      params: serviceRequestParams,
      body: serviceRequestStatusSchema,
      responses: onRequest,
      problems: [...statusProblems],
      async handler({ principal, params, body, request }) {
        const r = await serviceRequests.statusAsCustomer(principal.customer._id, params.serviceRequestId, body.status, request);
        return { status: 200, body: presentServiceRequest(r) };
      },
    }),

    // the partner
    defineRoute({
      method: 'get',
      path: '/v1/service-requests',
      operationId: 'listServiceRequests',
      summary: "Service requests of all the partner's customers, newest first (authorised service providers)",
      tag: TAG,
      auth: 'partner',
      permission: 'service-requests:read',
      query: listPartnerServiceRequestsQuery,
      responses: { 200: { description: 'A page of service requests', schema: page(serviceRequestSummaryOut) } },
      async handler({ principal, query }) {
        const found = await serviceRequests.ofPartner(principal.partner._id, query, query);
        return { status: 200, body: { items: found.items.map(presentServiceRequestSummary), nextCursor: found.nextCursor } };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/v1/service-requests/{serviceRequestId}',
      operationId: 'getServiceRequest',
      summary: 'One service request, with its notes and whole history',
      tag: TAG,
      auth: 'partner',
      permission: 'service-requests:read',
      params: serviceRequestParams,
      responses: { 200: { description: 'The service request', schema: serviceRequestOut } },
      async handler({ principal, params }) {
        return { status: 200, body: presentServiceRequest(await serviceRequests.getAsPartner(principal.partner._id, params.serviceRequestId)) };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/v1/customers/{customerId}/service-requests',
      operationId: 'listCustomerServiceRequests',
      summary: "A customer's service requests with the partner, newest first",
      tag: TAG,
      auth: 'partner',
      permission: 'service-requests:read',
      params: customerParams,
      query: listServiceRequestsQuery,
      responses: { 200: { description: 'A page of service requests', schema: page(serviceRequestSummaryOut) } },
      async handler({ principal, params, query }) {
        const found = await serviceRequests.ofPartnersCustomer(principal.partner._id, params.customerId, query, query);
        return { status: 200, body: { items: found.items.map(presentServiceRequestSummary), nextCursor: found.nextCursor } };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/v1/customers/{customerId}/service-requests',
      operationId: 'openServiceRequest',
      summary: 'Open a service request for a customer (customer role full, under active delegated administration)',
      description: 'The customer is told by e-mail.',
      tag: TAG,
      auth: 'partner',
      permission: 'service-requests:manage',
      params: customerParams,
      body: openServiceRequestSchema,
      creates: true,
      responses: { 201: { description: 'Opened', schema: serviceRequestOut } },
      problems: ['delegated-admin-required', 'change-in-progress'],
      async handler({ principal, params, body, request }) {
        const opened = await serviceRequests.openAsPartner(principal, params.customerId, body, request);
        return { status: 201, headers: location('/v1/service-requests', opened.serviceRequestId), body: presentServiceRequest(opened) };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/v1/service-requests/{serviceRequestId}/notes',
      operationId: 'addServiceRequestNote',
      summary: 'Add a note to a service request (customer role full, under active delegated administration; the customer is told)',
      tag: TAG,
      auth: 'partner',
      permission: 'service-requests:manage',
      params: serviceRequestParams,
      body: serviceRequestNoteSchema,
      responses: onRequest,
      problems: ['delegated-admin-required', ...changeProblems],
      async handler({ principal, params, body, request }) {
        return { status: 200, body: presentServiceRequest(await serviceRequests.noteAsPartner(principal, params.serviceRequestId, body.text, request)) };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/v1/service-requests/{serviceRequestId}/status',
      operationId: 'setServiceRequestStatus',
      summary: 'Change the status of a service request (customer role full, under active delegated administration; closed is final)',
      tag: TAG,
      auth: 'partner',
      permission: 'service-requests:manage',
      params: serviceRequestParams,
      body: serviceRequestStatusSchema,
      responses: onRequest,
      problems: ['delegated-admin-required', ...statusProblems],
      async handler({ principal, params, body, request }) {
        return { status: 200, body: presentServiceRequest(await serviceRequests.statusAsPartner(principal, params.serviceRequestId, body.status, request)) };
      },
    }),
  ];
}
