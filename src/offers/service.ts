import { WorkflowNotFoundError } from '@temporalio/client';
import type { z } from 'zod';
import type { PartnerDoc } from '../partners/model';
import { requirePermission } from '../auth/policy';
import type { CustomerPrincipal, PartnerPrincipal } from '../auth/principal';
import { priceIn, requireWithinBounds, type CatalogService } from '../catalog/service';
import { accepting, acceptingCustomer } from '../customers/new-tenant';
import type { CustomerService } from '../customers/service';
import { toOption } from '../delegated-admin/option';
import { findOwned } from '../db/owned';
import { pageById, type Page, type PageRequest } from '../db/pagination';
import { DomainError, invalidInput, notFound } from '../errors';
import { insertOnce } from '../db/duplicate-key';
import { newLinkCode } from '../ids';
import type { LinkService } from '../links/service';
import type { OnboardingService } from '../onboarding/service';
import { publicProfile, type PartnerService } from '../partners/service';
import { idFor, requestedBy, updateIdFor, type RequestScope } from '../request-scope';
import type { ServiceDeps } from '../service-deps';
import { callWorkflow, describeIfAny, isRefusal } from '../temporal/failures';
import { startOnce } from '../temporal/start-once';
import { offerWorkflow } from '../../workflows';
import { acceptOfferUpdate, declineOfferUpdate, offerRecordedUpdate, revokeOfferUpdate } from '../../workflows/offers/messages';
import { offerStart, offerWorkflowId } from '../../workflows/offers/start';
import type { AcceptOfferRequest, OfferItem, OfferStatus, PurchaseResult } from '../../workflows/offers/types';
import type { acceptLinkSchema, linkViewOut } from '../links/schemas';
import { delegatedAdminView } from '../delegated-admin/present';
import { DAY_MS } from '../../workflows/durations';
import type { OfferDoc, OfferLine, OfferRecipientDoc } from './model';
import type { createOfferSchema } from './schemas';

/** One customer's offer: where it stands for that customer. */
export interface OfferRecipient {
  customerId: string;
  status: OfferStatus;
  items: OfferLine[];
  endedAt?: string;
  endedBy?: string;
  supersededBy?: string;
  subscriptions?: Array<{ subscriptionId: string; sku: string; licenses: number }>;
  workflowId: string;
}

/** A purchase offer as the partner made it, with where each customer stands (when asked for one offer). */
export interface Offer {
  id: string;
  url: string;
  items: OfferLine[];
  createdBy: string;
  createdAt: string;
  expiresAt: string;
  revokedAt?: string;
  published: boolean;
  recipients?: OfferRecipient[];
}

/** What a customer sees through an offer's link. */
export type OfferLinkView = Extract<z.output<typeof linkViewOut>, { kind: 'purchase-offer' }>;

export interface AcceptedOffer {
  customer: { id: string; name: string; domain: string };
  subscriptions: PurchaseResult['subscriptions'];
  delegatedAdmin?: PurchaseResult['delegatedAdmin'];
  /** A new tenant's token (a published offer accepted by a new customer), this once. */
  token?: string;
}

type CreateOffer = z.output<typeof createOfferSchema>;
type AcceptOffer = z.output<typeof acceptLinkSchema>;

/**
 * Purchase offers (workflows/offers): one workflow per offer and customer. A
 * newer offer supersedes the customer's older open one (its onboarding sees to
 * it); accepting buys through the onboarding.
 */
export function createOfferService(
  { models, temporal, taskQueue, updateWaitMs }: Pick<ServiceDeps, 'models' | 'temporal' | 'taskQueue' | 'updateWaitMs'>,
  {
    catalog,
    links,
    partners,
    customers,
    onboarding,
  }: { catalog: CatalogService; links: LinkService; partners: PartnerService; customers: CustomerService; onboarding: OnboardingService },
) {
  const handle = (offerId: string, customerId: string) => temporal.workflow.getHandle(offerWorkflowId(offerId, customerId));
  const recipientView = (r: OfferRecipientDoc): OfferRecipient => ({
    customerId: r.customerId,
    status: r.status,
    items: r.items.map(({ sku, licenses }) => ({ sku, licenses })),
    endedAt: r.endedAt,
    endedBy: r.endedBy,
    supersededBy: r.supersededBy,
    subscriptions: r.subscriptions?.map(({ subscriptionId, sku, licenses }) => ({ subscriptionId, sku, licenses })),
    workflowId: offerWorkflowId(r.offerId, r.customerId),
  });
  const view = (o: OfferDoc, recipients?: OfferRecipientDoc[]): Offer => ({
    id: o._id,
    url: links.url('offer', o.code),
    items: o.items.map(({ sku, licenses }) => ({ sku, licenses })),
    createdBy: o.createdBy,
    createdAt: o.createdAt.toISOString(),
    expiresAt: o.expiresAt.toISOString(),
    revokedAt: o.revokedAt?.toISOString(),
    published: o.published ?? false,
    recipients: recipients?.map(recipientView),
  });
  const findOffer = async (partnerId: string, offerId: string): Promise<OfferDoc> => {
    const offer = await findOwned(models.Offer, offerId, { partnerId });
    if (!offer) throw notFound(`offer ${offerId}`);
    return offer;
  };
  const recipientsOf = (offerId: string) => models.OfferRecipient.find({ offerId }).sort({ _id: 1 }).lean();
  /** Runs `act` on this customer's offer workflow; a customer the offer was not sent to gets not found. */
  const onOffer = async <T>(offer: OfferDoc, customerId: string, act: (h: ReturnType<typeof handle>) => Promise<T>): Promise<T> => {
    const h = handle(offer._id, customerId);
    const recipient = await models.OfferRecipient.findById(`${offer._id}|${customerId}`).lean();
    // Just sent, not stored yet: the workflow itself says whether the offer is for this customer.
    if (!recipient && !(await describeIfAny(h))) throw notFound('this offer for this customer');
    return callWorkflow(
      () => act(h),
      // its workflow is over, so its record is final now (what was read above may predate the end)
      async () => {
        const status = (await models.OfferRecipient.findById(`${offer._id}|${customerId}`, { status: 1 }).lean())?.status;
        return new DomainError('offer-not-open', `this offer is ${status ?? 'over'}`, { offerStatus: status });
      },
      updateWaitMs,
    );
  };
  /** The offer's items as sold in the partner's cloud: bounds and prices from the catalog. */
  const priced = async (cloud: PartnerPrincipal['partner']['cloud'], lines: OfferLine[]): Promise<Array<Omit<OfferItem, 'subscriptionId'>>> => {
    const items = [];
    for (const line of lines) {
      const service = await catalog.sellable(line.sku, cloud);
      requireWithinBounds(service, line.licenses);
      const price = priceIn(service, cloud);
      items.push({ ...line, minLicenses: service.minLicenses, maxLicenses: service.maxLicenses, priceMinor: price.amount, currency: price.currency });
    }
    return items;
  };

  /** A customer of the partner an offer may go to: one onboarding with it now (the directory may lag a moment behind). */
  const recipientOf = async (partnerId: string, customerId: string) => {
    const [tenant, status] = await Promise.all([customers.tenant(customerId), onboarding.status(partnerId, customerId)]);
    if (!status) throw notFound(`customer ${customerId}`);
    if (status !== 'running') throw new DomainError('customer-not-onboarding', `customer ${customerId} is not onboarding with this partner any more`);
    return { customerId, email: tenant.contacts?.[0]?.email ?? '' };
  };
  /**
   * Starts the offer's workflow for one customer (it e-mails the link and supersedes the customer's
   * older open offer) and answers once it is stored; named by the request, so a retry meets it.
   */
  const startFor = (
    offer: OfferDoc,
    partner: Pick<PartnerDoc, '_id' | 'profile'>,
    r: { customerId: string; email: string },
    items: Array<Omit<OfferItem, 'subscriptionId'>>,
    request: RequestScope,
    joining?: { requested: ReturnType<typeof requestedBy> },
  ) =>
    offerStart({
      offerId: offer._id,
      partnerId: partner._id,
      partnerEmail: partner.profile.email,
      customerId: r.customerId,
      customerEmail: r.email,
      url: links.url('offer', offer.code),
      items: items.map((item, i) => ({ ...item, subscriptionId: idFor(request, 'sub', `${r.customerId}|${i}`) })),
      expiresAt: offer.expiresAt.toISOString(),
      billingPeriodMs: offer.billingPeriodMs,
      cancellationWindowMs: offer.cancellationWindowMs,
      delegatedAdmin: offer.delegatedAdmin,
      requested: joining?.requested ?? requestedBy(request),
      ...(joining ? { joining: true } : {}),
    });
  const sendTo = async (
    offer: OfferDoc,
    partner: Pick<PartnerDoc, '_id' | 'profile'>,
    r: { customerId: string; email: string },
    items: Array<Omit<OfferItem, 'subscriptionId'>>,
    request: RequestScope,
  ) => {
    const start = startFor(offer, partner, r, items, request);
    // (if this request's offer to that customer has ended since, there is nothing to do)
    await startOnce(temporal, offerWorkflow, { ...start, taskQueue }, offerRecordedUpdate, {
      updateId: updateIdFor(request, `recorded ${r.customerId}`),
      waitMs: updateWaitMs,
    });
  };
  const ownStatus = (offer: OfferDoc) => (offer.revokedAt ? 'revoked' : offer.expiresAt.getTime() <= Date.now() ? 'expired' : 'open');
  const requireOpen = (offer: OfferDoc) => {
    const status = ownStatus(offer);
    if (status !== 'open') throw new DomainError('offer-not-open', `this offer is ${status}`, { offerStatus: status });
  };

  /**
   * A published offer accepted by someone who is not onboarding with the partner: a new
   * tenant, or a customer of the partner's cloud. The offer's workflow for that customer,
   * started with the acceptance, makes it the partner's customer and then buys; all of it
   * named by the request, so a retry meets the same workflow and tenant.
   */
  const join = async (offer: OfferDoc, caller: CustomerPrincipal | undefined, input: AcceptOffer, request: RequestScope) => {
    const { customer, issued } = await acceptingCustomer(models, request, caller?.customer._id, input.customer, () => requireOpen(offer));
    const partner = await partners.find(offer.partnerId);
    // the one who accepts is the customer it becomes (a new tenant has no token to show for it yet)
    const requested = { ...requestedBy(request), actor: { kind: 'customer' as const, id: customer.customerId } };
    const start = startFor(offer, partner, { customerId: customer.customerId, email: '' }, await priced(partner.cloud, offer.items), request, { requested });
    const acceptance: AcceptOfferRequest = {
      licenses: input.licenses,
      delegatedAdmin: { agreed: input.acceptDelegatedAdmin, relationshipId: idFor(request, 'rel') },
      by: 'customer',
      requested,
      join: customer,
    };
    const { result, token } = await accepting(
      models,
      issued,
      async () => {
        const answered = await startOnce(temporal, offerWorkflow, { ...start, taskQueue }, acceptOfferUpdate, {
          updateId: updateIdFor(request, 'accept'),
          waitMs: updateWaitMs,
          args: [acceptance],
        });
        if (!answered.ended) return { ...answered.state, created: answered.state.customerCreated === true };
        // this request's acceptance ran to its end before (its answer was lost): the record says what it did
        const r = await models.OfferRecipient.findById(`${offer._id}|${customer.customerId}`).lean();
        if (r?.status !== 'accepted') throw new DomainError('offer-not-open', `this offer is ${r?.status ?? 'over'}`, { offerStatus: r?.status });
        const subscriptions = (r.subscriptions ?? []).map(({ subscriptionId, sku, licenses }) => ({ subscriptionId, sku, licenses, convertedTrial: false }));
        return { subscriptions, delegatedAdmin: undefined, created: customer.mode === 'create' };
      },
      (r) => r.created,
    );
    const tenant = await customers.tenant(customer.customerId);
    return {
      customer: { id: tenant._id, name: tenant.name, domain: tenant.domain },
      subscriptions: result.subscriptions,
      delegatedAdmin: result.delegatedAdmin,
      token,
    };
  };

  /** Where the offer stands for one customer, or for whoever opens its link. */
  const statusFor = async (offer: OfferDoc, customerId: string | undefined): Promise<OfferLinkView['status']> => {
    const own = ownStatus(offer);
    if (customerId) {
      const r = await models.OfferRecipient.findById(`${offer._id}|${customerId}`, { status: 1 }).lean();
      if (r) return r.status === 'sent' ? own : r.status;
      return own;
    }
    if (own !== 'open' || offer.published) return own;
    // sent to named customers only: open while one of them may still accept it
    const statuses = (await models.OfferRecipient.find({ offerId: offer._id }, { status: 1 }).lean()).map((r) => r.status);
    if (statuses.length === 0 || statuses.includes('sent')) return own;
    if (statuses.every((x) => x === 'accepted')) return 'accepted';
    if (statuses.every((x) => x === 'declined')) return 'declined';
    if (statuses.includes('superseded')) return 'superseded';
    return statuses.every((x) => x === 'revoked') ? 'revoked' : 'expired';
  };

  return {
    /**
     * Sends an offer to customers of the partner: each gets it by e-mail with its
     * link. Answers once every customer's offer is stored and has superseded that
     * customer's older open offer. Everything it makes is named by the request: a
     * retry with its Idempotency-Key finds the offer and the workflows the first
     * attempt made, and makes only what that one did not get to.
     */
    async create(principal: PartnerPrincipal, input: CreateOffer, request: RequestScope): Promise<Offer> {
      const partner = principal.partner;
      if (input.delegatedAdmin) requirePermission(principal, 'delegated-admin:request');
      const items = await priced(partner.cloud, input.items);
      const recipients = [];
      for (const customerId of input.customerIds) recipients.push(await recipientOf(partner._id, customerId));
      const now = request.at;
      const offerId = idFor(request, 'ofr');
      // An offer nobody sent to (its request failed and was never retried) is removed by the maintenance schedule.
      await insertOnce(models.Offer, {
        _id: offerId,
        partnerId: partner._id,
        code: newLinkCode(),
        items: input.items,
        createdBy: principal.user._id,
        createdAt: now,
        expiresAt: new Date(now.getTime() + input.expiresInSeconds * 1000),
        billingPeriodMs: input.billing.periodSeconds * 1000,
        cancellationWindowMs: input.billing.cancellationWindowSeconds * 1000,
        published: input.published || undefined,
        delegatedAdmin: input.delegatedAdmin ? toOption(input.delegatedAdmin) : undefined,
      });
      const offer = (await models.Offer.findById(offerId).lean())!;
      await links.register(offer.code, 'offer', offer._id);
      for (const r of recipients) await sendTo(offer, partner, r, items, request);
      return view(offer);
    },

    async list(partnerId: string, page: PageRequest): Promise<Page<Offer>> {
      const query = { partnerId };
      const found = await pageById(models.Offer, query, { ...page, scope: query, order: 'newest-first' });
      return { items: found.items.map((o) => view(o)), nextCursor: found.nextCursor };
    },

    async get(partnerId: string, offerId: string): Promise<Offer> {
      const offer = await findOffer(partnerId, offerId);
      return view(offer, await recipientsOf(offer._id));
    },

    /** Revokes the offer for every customer who has not accepted it. */
    async revoke(principal: PartnerPrincipal, offerId: string, request: RequestScope): Promise<Offer> {
      const offer = await findOffer(principal.partner._id, offerId);
      if (!offer.revokedAt) await models.Offer.updateOne({ _id: offer._id }, { $set: { revokedAt: new Date(), revokedBy: principal.user._id } });
      for (const r of (await recipientsOf(offer._id)).filter((x) => x.status === 'sent')) {
        await callWorkflow(
          () =>
            handle(offer._id, r.customerId).executeUpdate(revokeOfferUpdate, {
              updateId: updateIdFor(request, `revoke ${r.customerId}`),
              args: [{ by: principal.user._id, requested: requestedBy(request) }],
            }),
          undefined,
          updateWaitMs,
        ).catch((err) => {
          // accepted or ended meanwhile: it keeps that status
          if (!(err instanceof WorkflowNotFoundError) && !isRefusal(err, 'offer-not-open')) throw err;
        });
      }
      return view(await findOffer(principal.partner._id, offer._id), await recipientsOf(offer._id));
    },

    /** What a customer sees through the offer's link: the partner, each line with its price, and where the offer stands for it. */
    async linkView(offer: OfferDoc, caller?: CustomerPrincipal): Promise<OfferLinkView> {
      const partner = await partners.find(offer.partnerId);
      const services = await Promise.all(offer.items.map((i) => catalog.entry(i.sku)));
      return {
        kind: 'purchase-offer',
        status: await statusFor(offer, caller?.customer._id),
        expiresAt: offer.expiresAt.toISOString(),
        partner: publicProfile(partner),
        published: offer.published ?? false,
        billingPeriodDays: Math.round((offer.billingPeriodMs / DAY_MS) * 100) / 100,
        items: offer.items.map((item, i) => {
          const s = services[i]!;
          return {
            sku: s._id,
            name: s.name,
            description: s.description,
            licenses: item.licenses,
            minLicenses: s.minLicenses,
            maxLicenses: s.maxLicenses,
            monthlyPricePerLicense: priceIn(s, partner.cloud),
          };
        }),
        delegatedAdmin: offer.delegatedAdmin && delegatedAdminView(offer.delegatedAdmin),
      };
    },

    /** The customer accepts (with its token), possibly with other license counts: it buys through its onboarding. */
    async accept(offer: OfferDoc, caller: CustomerPrincipal | undefined, input: AcceptOffer, request: RequestScope): Promise<AcceptedOffer> {
      if (input.customer && !offer.published) throw invalidInput('customer', 'only for published offers: this one was sent to named customers');
      if (input.customer && caller) throw invalidInput('customer', 'leave it out when accepting with a customer token');
      if (!caller && !offer.published) throw new DomainError('customer-token-required', 'accepting an offer needs the customer token');
      const unknown = Object.keys(input.licenses ?? {}).find((sku) => !offer.items.some((item) => item.sku === sku));
      if (unknown !== undefined)
        throw invalidInput(`licenses.${unknown}`, `${unknown} is not a SKU of this offer (${offer.items.map((i) => i.sku).join(', ')})`);
      if (!caller) return join(offer, undefined, input, request);
      const delegatedAdmin = { agreed: input.acceptDelegatedAdmin, relationshipId: idFor(request, 'rel') };
      const c = caller.customer;
      if (offer.published && !(await models.OfferRecipient.exists({ _id: `${offer._id}|${c._id}` }))) {
        // anyone may take a published offer: a customer onboarding with the partner gets it sent now, any other joins through it
        if ((await onboarding.status(offer.partnerId, c._id)) !== 'running') return join(offer, caller, input, request);
        requireOpen(offer);
        const partner = await partners.find(offer.partnerId);
        await sendTo(offer, partner, await recipientOf(offer.partnerId, c._id), await priced(partner.cloud, offer.items), request);
      }
      const result = await onOffer(offer, c._id, (h) =>
        h.executeUpdate(acceptOfferUpdate, {
          updateId: updateIdFor(request, 'accept'),
          args: [{ licenses: input.licenses, delegatedAdmin, by: 'customer', requested: requestedBy(request) }],
        }),
      );
      return { customer: { id: c._id, name: c.name, domain: c.domain }, subscriptions: result.subscriptions, delegatedAdmin: result.delegatedAdmin };
    },

    /** The customer declines (with its token). */
    async decline(offer: OfferDoc, caller: CustomerPrincipal | undefined, request: RequestScope): Promise<void> {
      if (!caller) throw new DomainError('customer-token-required', 'declining an offer needs the customer token');
      await onOffer(offer, caller.customer._id, (h) =>
        h.executeUpdate(declineOfferUpdate, { updateId: updateIdFor(request, 'decline'), args: [{ by: 'customer', requested: requestedBy(request) }] }),
      );
    },
  };
}

export type OfferService = ReturnType<typeof createOfferService>;
