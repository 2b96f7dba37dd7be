import { defineRoute } from '../api/route';
import { customerParams } from '../customers/schemas';
import type { Services } from '../services';
import { presentRelationship } from './present';
import type { RelationshipAnswer } from './service';
import { delegatedAdminOptionSchema, relationshipOut, relationshipParams } from './schemas';

/** Delegated administration: partners ask (certified ones only), customers accept, decline or end it. */
export function delegatedAdminRoutes({ delegatedAdmin }: Services) {
  const customerAnswer = (answer: RelationshipAnswer, summary: string) =>
    defineRoute({
      method: 'post',
      path: `/v1/customer/delegated-admin/{relationshipId}/${answer}`,
      operationId: `${answer}DelegatedAdmin`,
      summary,
      tag: 'Customers (self)',
      auth: 'customer',
      params: relationshipParams,
      responses: { 200: { description: 'The relationship after it', schema: relationshipOut } },
      problems: ['relationship-not-pending', 'relationship-ended', 'partner-not-authorised', 'change-in-progress'],
      async handler({ principal, params, request }) {
        return { status: 200, body: presentRelationship(await delegatedAdmin.answer(principal.customer._id, params.relationshipId, answer, request)) };
      },
    });

  return [
    defineRoute({
      method: 'post',
      path: '/v1/customers/{customerId}/delegated-admin',
      operationId: 'requestDelegatedAdmin',
      summary: 'Ask a customer for delegated administration (delegated-admin certified partners)',
      description: 'Nothing is granted until the customer accepts; a request neither accepted nor declined lapses (after 90 days by default).',
      tag: 'Delegated administration',
      auth: 'partner',
      permission: 'delegated-admin:request',
      params: customerParams,
      body: delegatedAdminOptionSchema,
      creates: true,
      responses: { 201: { description: 'Asked', schema: relationshipOut } },
      problems: ['delegated-admin-already-requested', 'change-in-progress'],
      async handler({ principal, params, body, request }) {
        const relationship = await delegatedAdmin.request(principal, params.customerId, body, request);
        return { status: 201, headers: { Location: `/v1/customers/${params.customerId}/delegated-admin` }, body: presentRelationship(relationship) };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/v1/customers/{customerId}/delegated-admin',
      operationId: 'listDelegatedAdmin',
      summary: "The partner's delegated-admin relationships with a customer, newest first",
      tag: 'Delegated administration',
      auth: 'partner',
      permission: 'customers:read',
      params: customerParams,
      responses: { 200: { description: 'Its relationships', schema: relationshipOut.array() } },
      async handler({ principal, params }) {
        return { status: 200, body: (await delegatedAdmin.ofPartnersCustomer(principal.partner._id, params.customerId)).map(presentRelationship) };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/v1/customer/delegated-admin',
      operationId: 'listOwnDelegatedAdmin',
      summary: "The customer's delegated-admin relationships, newest first",
      tag: 'Customers (self)',
      auth: 'customer',
      responses: { 200: { description: 'Its relationships', schema: relationshipOut.array() } },
      async handler({ principal }) {
        return { status: 200, body: (await delegatedAdmin.ofCustomer(principal.customer._id)).map(presentRelationship) };
      },
    }),
    customerAnswer('accept', 'Grant delegated administration to the partner'),
    customerAnswer('decline', 'Decline a request for delegated administration'),
    customerAnswer('terminate', "End a relationship now: the partner's access ends with it"),
  ];
}
