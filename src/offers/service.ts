import { WorkflowNotFoundError } from '@temporalio/client';
import type { z } from 'zod';
import { requirePermission } from '../auth/policy';
import type { CustomerPrincipal, PartnerPrincipal } from '../auth/principal';
import { priceIn, requireWithinBounds, type CatalogService } from '../catalog/service';
import type { CustomerService } from '../customers/service';
import { toOption } from '../delegated-admin/option';
import { findOwned } from '../db/owned';
import { pageById, type Page, type PageRequest } from '../db/pagination';
import { DomainError, invalidInput, notFound } from '../errors';
import { insertOnce } from '../db/duplicate-key';
import { newLinkCode } from '../ids';
import type { LinkService } from '../links/service';
import type { OnboardingService } from '../onboarding/service';
import { publicProfile, type PartnerService, type PublicProfile } from '../partners/service';
import { idFor, requestedBy, updateIdFor, type RequestScope } from '../request-scope';
import type { ServiceDeps } from '../service-deps';
import { callWorkflow, describeIfAny, isRefusal } from '../temporal/failures';
import { startOnce } from '../temporal/start-once';
import { offerWorkflow } from '../../workflows';
import { acceptOfferUpdate, declineOfferUpdate, offerRecordedUpdate, revokeOfferUpdate } from '../../workflows/offers/messages';
import { offerStart, offerWorkflowId } from '../../workflows/offers/start';
import type { OfferItem, OfferStatus, PurchaseResult } from '../../workflows/offers/types';
import type { acceptLinkSchema } from '../links/schemas';
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
  recipients?: OfferRecipient[];
}

/** What a customer sees through an offer's link. */
export interface OfferLinkView {
  kind: 'purchase-offer';
  status: 'open' | 'revoked' | 'expired';
  expiresAt: string;
  partner: PublicProfile;
  items: Array<{
    sku: string;
    name: string;
    description: string;
    licenses: number;
    minLicenses: number;
    maxLicenses: number;
    monthlyPricePerLicense: { amount: number; currency: string };
  }>;
}

export interface AcceptedOffer {
  customer: { id: string; name: string; domain: string };
  subscriptions: PurchaseResult['subscriptions'];
  delegatedAdmin?: PurchaseResult['delegatedAdmin'];
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
      for (const customerId of input.customerIds) {
        // The partner's customers are those it onboarded (the directory may lag a moment behind).
        const [tenant, status] = await Promise.all([customers.tenant(customerId), onboarding.status(partner._id, customerId)]);
        if (!status) throw notFound(`customer ${customerId}`);
        if (status !== 'running') throw new DomainError('customer-not-onboarding', `customer ${customerId} is not onboarding with this partner any more`);
        recipients.push({ customerId, email: tenant.contacts?.[0]?.email ?? '' });
      }
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
      });
      const offer = (await models.Offer.findById(offerId).lean())!;
      await links.register(offer.code, 'offer', offer._id);
      for (const r of recipients) {
        const start = offerStart({
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
          delegatedAdmin: input.delegatedAdmin ? toOption(input.delegatedAdmin) : undefined,
          requested: requestedBy(request),
        });
        // (if this request's offer to that customer has ended since, there is nothing to do)
        await startOnce(temporal, offerWorkflow, { ...start, taskQueue }, offerRecordedUpdate, {
          updateId: updateIdFor(request, `recorded ${r.customerId}`),
          waitMs: updateWaitMs,
        });
      }
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

    /** What a customer sees through the offer's link: the partner and each line with its price. */
    async linkView(offer: OfferDoc): Promise<OfferLinkView> {
      const partner = await partners.find(offer.partnerId);
      const services = await Promise.all(offer.items.map((i) => catalog.entry(i.sku)));
      return {
        kind: 'purchase-offer',
        status: offer.revokedAt ? 'revoked' : offer.expiresAt.getTime() <= Date.now() ? 'expired' : 'open',
        expiresAt: offer.expiresAt.toISOString(),
        partner: publicProfile(partner),
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
      };
    },

    /** The customer accepts (with its token), possibly with other license counts: it buys through its onboarding. */
    async accept(offer: OfferDoc, caller: CustomerPrincipal | undefined, input: AcceptOffer, request: RequestScope): Promise<AcceptedOffer> {
      if (!caller) throw new DomainError('customer-token-required', 'accepting an offer needs the customer token');
      if (input.customer) throw invalidInput('customer', 'not for offers');
      const unknown = Object.keys(input.licenses ?? {}).find((sku) => !offer.items.some((item) => item.sku === sku));
      if (unknown !== undefined)
        throw invalidInput(`licenses.${unknown}`, `${unknown} is not a SKU of this offer (${offer.items.map((i) => i.sku).join(', ')})`);
      const delegatedAdmin = { agreed: input.acceptDelegatedAdmin, relationshipId: idFor(request, 'rel') };
      const c = caller.customer;
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
