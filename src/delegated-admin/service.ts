import type { z } from 'zod';
import type { CustomerPrincipal, PartnerPrincipal } from '../auth/principal';
import type { CustomerService } from '../customers/service';
import { findOwned } from '../db/owned';
import { DomainError, invalidInput, notFound } from '../errors';
import { idFor, requestedBy, updateIdFor, type RequestScope } from '../request-scope';
import type { ServiceDeps } from '../service-deps';
import { callWorkflow } from '../temporal/failures';
import { startOnce } from '../temporal/start-once';
import { delegatedAdminWorkflow } from '../../workflows';
import type { ActResult, CustomerAction } from '../../workflows/delegated-admin/acting';
import {
  actInCustomerUpdate,
  acceptRelationshipUpdate,
  declineRelationshipUpdate,
  relationshipRecordedUpdate,
  relationshipStateQuery,
  terminateRelationshipUpdate,
} from '../../workflows/delegated-admin/messages';
import { delegatedAdminStart, delegatedAdminWorkflowId, relationshipWorkflowId } from '../../workflows/delegated-admin/start';
import { GRANTING_STATUSES, OPEN_STATUSES, type RelationshipStatus } from '../../workflows/delegated-admin/types';
import type { RelationshipDoc } from './model';
import { toOption } from './option';
import type { delegatedAdminOptionSchema } from './schemas';
import { delegatedAdminView } from './present';
import { newLinkCode } from '../ids';
import type { linkViewOut } from '../links/schemas';
import { publicProfile, type PartnerService } from '../partners/service';
import { DAY_MS } from '../../workflows/durations';

/** What a customer sees through a delegated-admin request's link. */
export type RelationshipLinkView = Extract<z.output<typeof linkViewOut>, { kind: 'delegated-admin' }>;

/** What a customer may answer to a relationship, and how the audit log names it. */
const ANSWERS = {
  accept: { update: acceptRelationshipUpdate, done: 'accepted', whenEnded: 'relationship-not-pending' },
  decline: { update: declineRelationshipUpdate, done: 'declined', whenEnded: 'relationship-not-pending' },
  terminate: { update: terminateRelationshipUpdate, done: 'terminated', whenEnded: 'relationship-ended' },
} as const;

export type RelationshipAnswer = keyof typeof ANSWERS;

/** A relationship as stored, with the workflow that runs it. */
export type Relationship = RelationshipDoc & { workflowId: string };

const withWorkflow = (r: RelationshipDoc): Relationship => ({ ...r, workflowId: r.workflowId ?? relationshipWorkflowId(r._id) });

const isOpen = (status: RelationshipStatus) => (OPEN_STATUSES as readonly RelationshipStatus[]).includes(status);

const alreadyRequested = (open: { relationshipId: string; status: RelationshipStatus }) =>
  new DomainError('delegated-admin-already-requested', `relationship ${open.relationshipId} with this customer is ${open.status}: one at a time`, {
    relationshipId: open.relationshipId,
    relationshipStatus: open.status,
  });

/**
 * Delegated administration (workflows/delegated-admin): partners ask (certified
 * ones only), customers accept, decline or end it; the partner acts in the
 * customer only while it is active.
 */
export function createDelegatedAdminService(
  { models, temporal, taskQueue, updateWaitMs }: Pick<ServiceDeps, 'models' | 'temporal' | 'taskQueue' | 'updateWaitMs'>,
  { customers, partners }: { customers: CustomerService; partners: PartnerService },
) {
  // its chain of runs named (by its first): a workflow id per partner and customer also names the relationships after this one
  const handle = (r: RelationshipDoc) => {
    const firstExecutionRunId = r.firstRunId ?? r.runId; // before runs continued as new, the stored run was the first
    return temporal.workflow.getHandle(withWorkflow(r).workflowId, undefined, firstExecutionRunId ? { firstExecutionRunId } : undefined);
  };
  const notGranted = (customerId: string) =>
    new DomainError('delegated-admin-required', `acting in customer ${customerId} needs an active delegated-admin relationship with it`);
  const stored = async (relationshipId: string): Promise<Relationship> => withWorkflow((await models.Relationship.findById(relationshipId).lean())!);
  /** The customer's relationship: stored, or asked a moment ago (its workflow holds it before its record is stored). */
  const customersRelationship = async (customerId: string, relationshipId: string): Promise<RelationshipDoc> => {
    const r = await findOwned(models.Relationship, relationshipId, { customerId });
    if (r) return r;
    // only a relationship asked with a trial or an offer is told to the customer before it is stored
    const early = temporal.workflow.getHandle(relationshipWorkflowId(relationshipId));
    const state = await callWorkflow(
      () => early.query(relationshipStateQuery),
      () => notFound(`relationship ${relationshipId}`),
    );
    if (state.customerId !== customerId) throw notFound(`relationship ${relationshipId}`);
    await early.executeUpdate(relationshipRecordedUpdate);
    return (await models.Relationship.findById(relationshipId).lean())!;
  };

  /** The customer accepts, declines or ends a relationship. */
  const answerAs = async (customerId: string, relationshipId: string, answer: RelationshipAnswer, request: RequestScope): Promise<Relationship> => {
    const r = await customersRelationship(customerId, relationshipId);
    const { update, whenEnded } = ANSWERS[answer];
    await callWorkflow(
      () => handle(r).executeUpdate(update, { updateId: updateIdFor(request, answer), args: [{ by: 'customer', requested: requestedBy(request) }] }),
      // its workflow is over: the stored status, final now, says why
      async () => {
        const { status } = await stored(r._id);
        return new DomainError(whenEnded, `the relationship is ${status}`, { relationshipStatus: status });
      },
      updateWaitMs,
    );
    return stored(r._id);
  };

  return {
    /** Asks a customer of the partner for delegated administration; nothing is granted until it accepts. */
    async request(
      principal: PartnerPrincipal,
      customerId: string,
      option: z.output<typeof delegatedAdminOptionSchema>,
      request: RequestScope,
    ): Promise<Relationship> {
      const partner = principal.partner;
      await customers.requireCustomerOf(partner._id, customerId);
      const tenant = await customers.tenant(customerId);
      const relationshipId = idFor(request, 'rel');
      const open = await models.Relationship.findOne({ partnerId: partner._id, customerId, status: { $in: [...OPEN_STATUSES] } }, { status: 1 }).lean();
      if (open && open._id !== relationshipId) throw alreadyRequested({ relationshipId: open._id, status: open.status });
      const earlier = await models.Relationship.findById(relationshipId, { status: 1 }).lean();
      if (earlier && !isOpen(earlier.status)) return stored(relationshipId); // this request's relationship has ended since
      const start = delegatedAdminStart(
        {
          relationshipId,
          partnerId: partner._id,
          partnerEmail: partner.profile.email,
          customerId,
          customerEmail: tenant.contacts?.[0]?.email ?? '',
          ...toOption(option),
          acceptedAtStart: false,
          code: newLinkCode(), // a retry's code is not used: the workflow started first keeps its own
          requestedBy: principal.user._id,
          requested: requestedBy(request),
        },
        delegatedAdminWorkflowId(partner._id, customerId),
      );
      // racing requests meet one workflow: the first to start it asks, the others are told
      const started = await startOnce(temporal, delegatedAdminWorkflow, { ...start, taskQueue }, relationshipRecordedUpdate, {
        updateId: updateIdFor(request, 'recorded'),
        waitMs: updateWaitMs,
        reuse: 'ALLOW_DUPLICATE',
      });
      if (!started.ended && started.state.relationshipId !== relationshipId) throw alreadyRequested(started.state);
      return stored(relationshipId);
    },

    /** The partner's relationships with a customer, newest first. */
    async ofPartnersCustomer(partnerId: string, customerId: string): Promise<Relationship[]> {
      await customers.requireCustomerOf(partnerId, customerId);
      return (await models.Relationship.find({ partnerId, customerId }).sort({ _id: -1 }).lean()).map(withWorkflow);
    },

    /** The customer's relationships, newest first. */
    ofCustomer: async (customerId: string): Promise<Relationship[]> =>
      (await models.Relationship.find({ customerId }).sort({ _id: -1 }).lean()).map(withWorkflow),

    /** What the customer sees through the request's link: who asks, for what, for how long. */
    async linkView(r: RelationshipDoc): Promise<RelationshipLinkView> {
      const [partner, tenant] = await Promise.all([partners.find(r.partnerId), customers.tenant(r.customerId)]);
      return {
        kind: 'delegated-admin',
        status: r.status,
        partner: publicProfile(partner),
        customer: { id: tenant._id, name: tenant.name },
        requestedAt: r.requestedAt,
        lapsesAt: r.status === 'approval-pending' ? r.lapsesAt : undefined,
        endsAt: r.endsAt,
        delegatedAdmin: delegatedAdminView({ role: r.role, durationMs: r.durationMs, autoExtend: r.autoExtend, extensionMs: r.extensionMs ?? 180 * DAY_MS }),
      };
    },

    /** The customer (its token) accepts or declines the request through its link. */
    async answerThroughLink(
      r: RelationshipDoc,
      caller: CustomerPrincipal | undefined,
      answer: 'accept' | 'decline',
      input: { licenses?: unknown; customer?: unknown },
      request: RequestScope,
    ) {
      if (!caller) throw new DomainError('customer-token-required', `answering a delegated-admin request needs the token of the customer it asks`);
      if (input.licenses) throw invalidInput('licenses', 'only for purchase offers');
      if (input.customer) throw invalidInput('customer', 'not for delegated-admin requests');
      if (caller.customer._id !== r.customerId) throw notFound('this request for this customer');
      const relationship = await answerAs(caller.customer._id, r._id, answer, request);
      const c = caller.customer;
      return { customer: { id: c._id, name: c.name, domain: c.domain }, relationship };
    },

    answer: answerAs,

    /** Refuses unless the partner's users may read in the customer now (an active relationship). */
    async requireGranted(partnerId: string, customerId: string): Promise<string> {
      await customers.requireCustomerOf(partnerId, customerId); // another partner's customer is not found, whatever its relationships
      const granted = await models.Relationship.findOne({ partnerId, customerId, status: { $in: [...GRANTING_STATUSES] } }, { _id: 1 }).lean();
      if (!granted) throw notGranted(customerId);
      return granted._id;
    },

    /**
     * A partner user acts in the customer: the relationship's workflow runs the act, and only
     * while it grants it with a role that covers it, so no act lands after the relationship ends.
     */
    async act(principal: PartnerPrincipal, customerId: string, action: CustomerAction, request: RequestScope): Promise<ActResult> {
      const partnerId = principal.partner._id;
      await customers.requireCustomerOf(partnerId, customerId);
      const r = await models.Relationship.findOne({ partnerId, customerId, status: { $in: [...GRANTING_STATUSES] } }).lean();
      if (!r) throw notGranted(customerId);
      return callWorkflow(
        () =>
          handle(r).executeUpdate(actInCustomerUpdate, {
            updateId: updateIdFor(request, `act ${action.kind}`),
            args: [{ action, userId: principal.user._id, userRole: principal.user.customerRole, requested: requestedBy(request) }],
          }),
        () => notGranted(customerId), // its workflow has ended: so has the relationship
        updateWaitMs,
      );
    },
  };
}

export type DelegatedAdminService = ReturnType<typeof createDelegatedAdminService>;
