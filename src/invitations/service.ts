import type { z } from 'zod';
import { requirePermission } from '../auth/policy';
import type { CustomerPrincipal, PartnerPrincipal } from '../auth/principal';
import { requireWithinBounds, type CatalogService } from '../catalog/service';
import { accepting, acceptingCustomer } from '../customers/new-tenant';
import type { CustomerService } from '../customers/service';
import { toOption } from '../delegated-admin/option';
import { findOwned } from '../db/owned';
import { pageById, type Page, type PageRequest } from '../db/pagination';
import { DomainError, invalidInput, notFound } from '../errors';
import { newLinkCode } from '../ids';
import type { LinkService } from '../links/service';
import { publicProfile, type PartnerService } from '../partners/service';
import { idFor, requestedBy, updateIdFor, type RequestScope } from '../request-scope';
import type { ServiceDeps } from '../service-deps';
import { callWorkflow, isRefusal } from '../temporal/failures';
import { startOnce } from '../temporal/start-once';
import { trialInvitationWorkflow } from '../../workflows';
import { DAY_MS, DAY_S, DEFAULT_GRACE_PERIOD_MS, DEFAULT_REMINDER_OFFSETS_MS } from '../../workflows/durations';
import {
  acceptInvitationUpdate,
  declineInvitationUpdate,
  invitationRecordedUpdate,
  invitationStateQuery,
  inviteRecipientsUpdate,
  revokeInvitationUpdate,
} from '../../workflows/invitations/messages';
import { invitationStart, invitationWorkflowId } from '../../workflows/invitations/start';
import type { AcceptInvitationRequest, InvitationState, InvitationStatus } from '../../workflows/invitations/types';
import type { InvitationDoc } from './model';
import type { acceptLinkSchema, linkViewOut } from '../links/schemas';
import { delegatedAdminView } from '../delegated-admin/present';
import type { createInvitationSchema } from './schemas';

/** An invitation as callers see it (from its stored record, or from its workflow's state). */
export interface Invitation {
  id: string;
  partnerId: string;
  sku: string;
  status: InvitationStatus;
  /** The link customers open; its code is unguessable. */
  url: string;
  createdBy: string;
  createdAt: string;
  expiresAt: string;
  revokedAt?: string;
  revokedBy?: string;
  expiredAt?: string;
  declines: number;
  invited: number;
  workflowId: string;
}

export interface Redemption {
  customerId: string;
  acceptedAt: string;
  onboardingWorkflowId: string;
  /** Where the customer now stands (absent for a moment while the partner's directory catches up). */
  customer?: { name: string; domain: string; status: string; stage: string };
}

/** What a customer sees through an invitation's link. */
export type InvitationLinkView = Extract<z.output<typeof linkViewOut>, { kind: 'trial-invitation' }>;

export interface AcceptedInvitation {
  customer: { id: string; name: string; domain: string };
  onboarding: { workflowId: string; started: boolean };
  subscriptionId?: string;
  /** The new customer's token: only when this acceptance created the tenant, this once. */
  token?: string;
}

type CreateInvitation = z.output<typeof createInvitationSchema>;
type AcceptInvitation = z.output<typeof acceptLinkSchema>;

const iso = (v: string | Date | undefined) => (v === undefined ? undefined : new Date(v).toISOString());

/**
 * Trial invitations (workflows/invitations): a partner creates one, customers
 * accept or decline it through its link, the partner follows who redeemed it.
 */
export function createInvitationService(
  { models, temporal, taskQueue, updateWaitMs }: Pick<ServiceDeps, 'models' | 'temporal' | 'taskQueue' | 'updateWaitMs'>,
  { catalog, links, partners, customers }: { catalog: CatalogService; links: LinkService; partners: PartnerService; customers: CustomerService },
) {
  const handle = (invitationId: string) => temporal.workflow.getHandle(invitationWorkflowId(invitationId));
  const view = (s: InvitationState | InvitationDoc): Invitation => {
    const id = 'invitationId' in s ? s.invitationId : s._id;
    return {
      id,
      partnerId: s.partnerId,
      sku: s.sku,
      status: s.status,
      url: links.url('invitation', s.code),
      createdBy: s.createdBy,
      createdAt: iso(s.createdAt)!,
      expiresAt: iso(s.expiresAt)!,
      revokedAt: iso(s.revokedAt),
      revokedBy: s.revokedBy,
      expiredAt: iso(s.expiredAt),
      declines: s.declines ?? 0,
      invited: s.invited ?? 0,
      workflowId: invitationWorkflowId(id),
    };
  };
  const findStored = async (partnerId: string, invitationId: string): Promise<InvitationDoc> => {
    const doc = await findOwned(models.Invitation, invitationId, { partnerId });
    if (!doc) throw notFound(`invitation ${invitationId}`);
    return doc;
  };
  const notActive = (status: InvitationStatus, detail: string) => new DomainError('invitation-not-active', detail, { invitationStatus: status });
  /** An ended invitation's workflow is gone: its stored status says why. */
  /** The refusal once its workflow is over: its record is final then (what was read before may predate the end). */
  const whenEnded = (invitation: Pick<InvitationDoc, '_id' | 'status'>) => async () => {
    const status = (await models.Invitation.findById(invitation._id, { status: 1 }).lean())?.status ?? invitation.status;
    return notActive(status, `invitation ${invitation._id} is ${status === 'active' ? 'over' : status}`);
  };
  const get = async (partnerId: string, invitationId: string): Promise<Invitation> => view(await findStored(partnerId, invitationId));
  const requireActive = (invitation: InvitationDoc) => {
    if (invitation.status !== 'active') throw notActive(invitation.status, `this invitation is ${invitation.status}`);
  };

  return {
    /**
     * Starts the invitation's workflow and answers once it is stored; if storing takes
     * longer than the update wait (MongoDB slow or down), answers that it is on its way.
     * The invitation's id comes from the request: a retry with its Idempotency-Key meets
     * the workflow the first attempt started. The workflow registers the link's code with
     * the invitation, so a request that fails leaves no link behind.
     */
    async create(
      principal: PartnerPrincipal,
      input: CreateInvitation,
      request: RequestScope,
    ): Promise<{ stored: true; invitation: Invitation } | { stored: false; id: string; workflowId: string }> {
      const partner = principal.partner;
      const service = await catalog.sellable(input.sku, partner.cloud);
      if (!service.trial?.available) throw new DomainError('sku-not-available', `${input.sku} offers no trial`);
      const licenses = input.trial.licenses ?? service.trial.licenseCount ?? service.minLicenses;
      requireWithinBounds(service, licenses);
      if (input.delegatedAdmin) requirePermission(principal, 'delegated-admin:request');
      const invitationId = idFor(request, 'inv');
      const code = newLinkCode();
      const start = invitationStart({
        invitationId,
        partnerId: partner._id,
        sku: input.sku,
        code, // a retry's code is not used: the workflow started first keeps its own
        url: links.url('invitation', code),
        from: { name: partner.profile.name, email: partner.profile.email },
        recipients: input.recipients,
        expiresInMs: input.expiresInSeconds * 1000,
        createdBy: principal.user._id,
        requested: { actor: request.actor, requestId: request.requestId },
        trial: {
          lengthMs: (input.trial.lengthSeconds ?? (service.trial.lengthDays ?? 30) * DAY_S) * 1000,
          licenses,
          reminderOffsetsMs: input.trial.reminderOffsetsSeconds?.map((s) => s * 1000) ?? DEFAULT_REMINDER_OFFSETS_MS,
          gracePeriodMs: input.trial.gracePeriodSeconds !== undefined ? input.trial.gracePeriodSeconds * 1000 : DEFAULT_GRACE_PERIOD_MS,
        },
        delegatedAdmin: input.delegatedAdmin ? { ...toOption(input.delegatedAdmin), partnerEmail: partner.profile.email } : undefined,
      });
      try {
        const started = await startOnce(temporal, trialInvitationWorkflow, { ...start, taskQueue }, invitationRecordedUpdate, {
          updateId: updateIdFor(request, 'recorded'),
          waitMs: updateWaitMs,
        });
        // ended: the request's invitation was made and has ended since (expired, revoked); it is as stored
        return { stored: true, invitation: started.ended ? await get(partner._id, invitationId) : view(started.state) };
      } catch (err) {
        // Started but not stored yet (MongoDB slow or down): the workflow keeps retrying, nothing is lost.
        if (isRefusal(err, 'change-in-progress')) return { stored: false, id: invitationId, workflowId: start.workflowId };
        throw err;
      }
    },

    async list(partnerId: string, filter: { status?: InvitationStatus }, page: PageRequest): Promise<Page<Invitation>> {
      const query = { partnerId, ...(filter.status ? { status: filter.status } : {}) };
      const found = await pageById(models.Invitation, query, { ...page, scope: query, order: 'newest-first' });
      return { items: found.items.map(view), nextCursor: found.nextCursor };
    },

    get,

    /** Who accepted the invitation, in the order they arrived, and where each now stands. */
    async redemptions(partnerId: string, invitationId: string, page: PageRequest): Promise<Page<Redemption>> {
      await findStored(partnerId, invitationId);
      const query = { invitationId, partnerId };
      const found = await pageById(models.Redemption, query, { ...page, scope: query, order: 'oldest-first' });
      const now = await Promise.all(found.items.map((r) => customers.find(partnerId, r.customerId)));
      return {
        items: found.items.map((r, i) => {
          const c = now[i];
          return {
            customerId: r.customerId,
            acceptedAt: r.at.toISOString(),
            onboardingWorkflowId: r.onboardingWorkflowId,
            customer: c ? { name: c.name, domain: c.domain, status: c.status, stage: c.stage } : undefined,
          };
        }),
        nextCursor: found.nextCursor,
      };
    },

    /** The workflow behind the invitation: its run and its state query. */
    async workflow(partnerId: string, invitationId: string) {
      await findStored(partnerId, invitationId);
      const h = handle(invitationId);
      const [description, state] = await Promise.all([h.describe(), h.query(invitationStateQuery)]);
      return {
        workflowId: h.workflowId,
        runId: description.runId,
        status: description.status.name,
        startTime: description.startTime.toISOString(),
        closeTime: description.closeTime?.toISOString(),
        state: view(state),
      };
    },

    async revoke(principal: PartnerPrincipal, invitationId: string, request: RequestScope): Promise<Invitation> {
      const stored = await findStored(principal.partner._id, invitationId);
      const state = await callWorkflow(
        () =>
          handle(invitationId).executeUpdate(revokeInvitationUpdate, {
            updateId: updateIdFor(request, 'revoke'),
            args: [{ by: principal.user._id, requested: requestedBy(request) }],
          }),
        whenEnded(stored),
        updateWaitMs,
      );
      return view(state);
    },

    /** E-mails the link to more people (each address once per invitation). */
    async sendTo(principal: PartnerPrincipal, invitationId: string, recipients: string[], request: RequestScope): Promise<Invitation> {
      const stored = await findStored(principal.partner._id, invitationId);
      requireActive(stored);
      const state = await callWorkflow(
        () =>
          handle(invitationId).executeUpdate(inviteRecipientsUpdate, {
            updateId: updateIdFor(request, 'invite'),
            args: [{ recipients, requested: requestedBy(request) }],
          }),
        whenEnded(stored),
        updateWaitMs,
      );
      return view(state);
    },

    /** What a customer sees through the invitation's link: the partner and the trial. */
    async linkView(invitation: InvitationDoc): Promise<InvitationLinkView> {
      const service = await catalog.entry(invitation.sku);
      return {
        kind: 'trial-invitation',
        status: invitation.status,
        expiresAt: invitation.expiresAt.toISOString(),
        partner: publicProfile(await partners.find(invitation.partnerId)),
        service: {
          sku: service._id,
          name: service.name,
          description: service.description,
          trialDays: Math.round((invitation.trial.lengthMs / DAY_MS) * 100) / 100,
          licenses: invitation.trial.licenses,
        },
        delegatedAdmin: invitation.delegatedAdmin && delegatedAdminView(invitation.delegatedAdmin),
      };
    },

    /**
     * A customer accepts through the link: a new tenant (its token returned once)
     * or an existing one (with its token). The trial starts and the partner becomes
     * its advisor. Under an Idempotency-Key a retry is the same acceptance (the same
     * tenant id, subscription, relationship and workflow update): it gets the first
     * result, and a new tenant's token again — the one the first attempt issued is
     * replaced, as nobody but this caller can have received it.
     */
    async accept(
      invitation: InvitationDoc,
      caller: CustomerPrincipal | undefined,
      input: AcceptInvitation,
      request: RequestScope,
    ): Promise<AcceptedInvitation> {
      if (input.licenses) throw invalidInput('licenses', 'only for purchase offers');
      if (caller && input.customer) throw invalidInput('customer', 'leave it out when accepting with a customer token');
      if (!caller && !input.customer) throw invalidInput('customer', 'describe the new customer, or send its customer token');
      const { customer, issued } = await acceptingCustomer(models, request, caller?.customer._id, input.customer, () => requireActive(invitation));
      const accept: AcceptInvitationRequest = {
        customer,
        subscriptionId: idFor(request, 'sub'),
        delegatedAdmin: { agreed: input.acceptDelegatedAdmin, relationshipId: idFor(request, 'rel') },
        requested: requestedBy(request),
      };
      const { result, token } = await accepting(
        models,
        issued,
        () =>
          callWorkflow(
            () => handle(invitation._id).executeUpdate(acceptInvitationUpdate, { updateId: updateIdFor(request, 'accept'), args: [accept] }),
            whenEnded(invitation),
            updateWaitMs,
          ),
        (r) => r.created,
      );
      const tenant = await customers.tenant(result.customerId);
      return {
        customer: { id: tenant._id, name: tenant.name, domain: tenant.domain },
        onboarding: { workflowId: result.onboardingWorkflowId, started: result.started },
        subscriptionId: result.subscriptionId,
        token,
      };
    },

    /** Someone who opened the link says no (anyone; a customer that accepted it already cancels its trial instead). */
    async decline(invitation: InvitationDoc, caller: CustomerPrincipal | undefined, request: RequestScope): Promise<void> {
      const customerId = caller?.customer._id;
      if (customerId && (await models.Redemption.exists({ _id: `${invitation._id}|${customerId}` }))) {
        throw new DomainError('invitation-already-accepted', `customer ${customerId} accepted this invitation already`);
      }
      requireActive(invitation);
      await callWorkflow(
        () =>
          handle(invitation._id).executeUpdate(declineInvitationUpdate, {
            updateId: updateIdFor(request, 'decline'),
            args: [{ by: customerId ?? 'anonymous', requested: requestedBy(request) }],
          }),
        whenEnded(invitation),
        updateWaitMs,
      );
    },
  };
}

export type InvitationService = ReturnType<typeof createInvitationService>;
