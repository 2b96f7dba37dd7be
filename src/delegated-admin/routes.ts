import { WithStartWorkflowOperation, WorkflowNotFoundError } from '@temporalio/client';
import { delegatedAdminWorkflow } from '../../workflows';
import { delegatedAdminWorkflowId } from '../../workflows/delegated-admin/ids';
import { acceptRelationshipUpdate, declineRelationshipUpdate, relationshipRecordedUpdate, relationshipStateQuery, terminateRelationshipUpdate } from '../../workflows/delegated-admin/messages';
import { CustomerId, LifecycleStage, PartnerId } from '../../workflows/search-attributes';
import type { ApiDeps } from '../api/deps';
import { notFound, Problem } from '../api/problem';
import { defineRoute } from '../api/route';
import { requirePartnersCustomer } from '../customers/known';
import { customerParams } from '../customers/schemas';
import { newTimeOrderedId } from '../ids';
import type { RelationshipDoc } from './model';
import { presentRelationship } from './present';
import { delegatedAdminOptionSchema, relationshipOut, relationshipParams, toOption } from './schemas';
import { findOwned } from '../db/owned';

const OPEN = ['approval-pending', 'active', 'expiring'] as const;

/** Delegated administration: partners ask (certified ones only), customers accept, decline or end it. */
export function delegatedAdminRoutes(deps: ApiDeps) {
  const customersRelationship = async (customerId: string, relationshipId: string): Promise<RelationshipDoc> => {
    const r = await findOwned<RelationshipDoc>(deps.models.Relationship, relationshipId, { customerId });
    if (r) return r;
    // Asked a moment ago (with an offer or a trial): its workflow holds it before its record is stored.
    const handle = deps.temporal.workflow.getHandle(delegatedAdminWorkflowId(relationshipId));
    const state = await handle.query(relationshipStateQuery).catch(() => undefined);
    if (state?.customerId !== customerId) throw notFound(`relationship ${relationshipId}`);
    await handle.executeUpdate(relationshipRecordedUpdate);
    return (await findOwned<RelationshipDoc>(deps.models.Relationship, relationshipId, { customerId }))!;
  };
  const customerAction = (verb: 'accept' | 'decline' | 'terminate', done: string, update: typeof acceptRelationshipUpdate, summary: string) =>
    defineRoute({
      method: 'post',
      path: `/v1/customer/delegated-admin/{relationshipId}/${verb}`,
      operationId: `${verb}DelegatedAdmin`,
      summary,
      tag: 'Customers (self)',
      auth: 'customer',
      params: relationshipParams,
      responses: { 200: { description: 'The relationship after it', schema: relationshipOut } },
      problems: ['relationship-not-pending', 'relationship-ended'],
      async handler({ principal, params, audit }) {
        const r = await customersRelationship(principal.customer._id, params.relationshipId);
        try {
          await deps.temporal.workflow.getHandle(delegatedAdminWorkflowId(r._id)).executeUpdate(update, { args: [{ by: 'customer' }] });
        } catch (err) {
          // its workflow is over: the stored status says why
          if (!(err instanceof WorkflowNotFoundError)) throw err;
          const slug = verb === 'terminate' ? 'relationship-ended' : 'relationship-not-pending';
          throw new Problem(slug, `the relationship is ${r.status}`, { relationshipStatus: r.status });
        }
        await audit({ partnerId: r.partnerId, actor: { kind: 'customer', id: principal.customer._id }, action: `delegated-admin.${done}`, target: { kind: 'relationship', id: r._id } });
        return { status: 200, body: presentRelationship((await deps.models.Relationship.findById(r._id).lean<RelationshipDoc>())!) };
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
      problems: ['conflict'],
      async handler({ principal, params, body, audit }) {
        const partner = principal.partner;
        await requirePartnersCustomer(deps, partner._id, params.customerId);
        const tenant = await deps.models.Customer.findById(params.customerId).lean();
        if (!tenant) throw notFound(`customer ${params.customerId}`);
        if (await deps.models.Relationship.exists({ partnerId: partner._id, customerId: params.customerId, status: { $in: [...OPEN] } })) {
          throw new Problem('conflict', 'a delegated-admin relationship with this customer is already pending or active');
        }
        const relationshipId = newTimeOrderedId('rel');
        const start = new WithStartWorkflowOperation(delegatedAdminWorkflow, {
          workflowId: delegatedAdminWorkflowId(relationshipId),
          taskQueue: deps.taskQueue,
          workflowIdConflictPolicy: 'FAIL',
          typedSearchAttributes: [
            { key: PartnerId, value: partner._id },
            { key: CustomerId, value: params.customerId },
            { key: LifecycleStage, value: 'delegated-admin-approval-pending' },
          ],
          args: [
            {
              relationshipId,
              partnerId: partner._id,
              partnerEmail: partner.profile.email,
              customerId: params.customerId,
              customerEmail: tenant.contacts?.[0]?.email ?? '',
              ...toOption(body),
              acceptedAtStart: false,
              requestedBy: principal.user._id,
            },
          ],
        });
        await deps.temporal.workflow.executeUpdateWithStart(relationshipRecordedUpdate, { startWorkflowOperation: start });
        await audit({ action: 'delegated-admin.requested', target: { kind: 'customer', id: params.customerId }, details: { relationshipId } });
        const stored = (await deps.models.Relationship.findById(relationshipId).lean<RelationshipDoc>())!;
        return { status: 201, headers: { Location: `/v1/customers/${params.customerId}/delegated-admin` }, body: presentRelationship(stored) };
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
        await requirePartnersCustomer(deps, principal.partner._id, params.customerId);
        const rs = await deps.models.Relationship.find({ partnerId: principal.partner._id, customerId: params.customerId }).sort({ _id: -1 }).lean<RelationshipDoc[]>();
        return { status: 200, body: rs.map(presentRelationship) };
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
        const rs = await deps.models.Relationship.find({ customerId: principal.customer._id }).sort({ _id: -1 }).lean<RelationshipDoc[]>();
        return { status: 200, body: rs.map(presentRelationship) };
      },
    }),
    customerAction('accept', 'accepted', acceptRelationshipUpdate, 'Grant delegated administration to the partner'),
    customerAction('decline', 'declined', declineRelationshipUpdate, 'Decline a request for delegated administration'),
    customerAction('terminate', 'terminated', terminateRelationshipUpdate, "End a relationship now: the partner's access ends with it"),
  ];
}
