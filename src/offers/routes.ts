import { z } from 'zod';
import { WithStartWorkflowOperation, WorkflowNotFoundError } from '@temporalio/client';
import { offerWorkflow } from '../../workflows';
import { OfferFailure } from '../../workflows/offers/failures';
import { offerWorkflowId } from '../../workflows/offers/ids';
import { offerRecordedUpdate, revokeOfferUpdate, supersedeOfferUpdate } from '../../workflows/offers/messages';
import { onboardingWorkflowId } from '../../workflows/onboarding/ids';
import { CustomerId, LifecycleStage, OfferId, PartnerId } from '../../workflows/search-attributes';
import { applicationFailureOf } from '../temporal/failures';
import type { ApiDeps } from '../api/deps';
import { pageById } from '../api/pagination';
import { notFound, Problem } from '../api/problem';
import { authorize, defineRoute } from '../api/route';
import { toOption } from '../delegated-admin/schemas';
import { page } from '../api/schemas';
import { findService } from '../catalog/routes';
import type { Cloud } from '../partners/model';
import { newLinkCode, newTimeOrderedId } from '../ids';
import type { OfferDoc, OfferRecipientDoc } from './model';
import { createOfferSchema, listOffersQuery, offerOut, offerParams } from './schemas';
import { findOwned } from '../db/owned';
import { registerLinkCode } from '../links/register';

export function offerRoutes(deps: ApiDeps) {
  const linkOf = (code: string) => `${deps.publicUrl}/o/${code}`;
  const present = (o: OfferDoc, recipients?: OfferRecipientDoc[]): z.infer<typeof offerOut> => ({
    id: o._id,
    url: linkOf(o.code),
    items: o.items.map(({ sku, licenses }) => ({ sku, licenses })),
    createdBy: o.createdBy,
    createdAt: o.createdAt.toISOString(),
    expiresAt: o.expiresAt.toISOString(),
    revokedAt: o.revokedAt?.toISOString(),
    recipients: recipients?.map((r) => ({
      customerId: r.customerId,
      status: r.status,
      items: r.items.map(({ sku, licenses }) => ({ sku, licenses })),
      endedAt: r.endedAt ?? undefined,
      endedBy: r.endedBy ?? undefined,
      supersededBy: r.supersededBy ?? undefined,
      subscriptions: r.subscriptions?.map(({ subscriptionId, sku, licenses }) => ({ subscriptionId: subscriptionId!, sku: sku!, licenses: licenses! })),
      workflowId: offerWorkflowId(r.offerId, r.customerId),
    })),
  });
  const findOffer = async (partnerId: string, offerId: string) => {
    const offer = await findOwned<OfferDoc>(deps.models.Offer, offerId, { partnerId });
    if (!offer) throw notFound(`offer ${offerId}`);
    return offer;
  };

  return [
    defineRoute({
      method: 'post',
      path: '/v1/offers',
      operationId: 'createOffer',
      summary: 'Send a purchase offer to customers of the partner',
      description:
        'Each customer gets the offer by e-mail with its link, and may change the license counts (within the catalog’s bounds) when accepting. ' +
        'A newer offer to the same customer supersedes an older open one. Accepting converts the trial of the same service (same subscription) or creates subscriptions.',
      tag: 'Offers',
      auth: 'partner',
      permission: 'offers:send',
      body: createOfferSchema,
      creates: true,
      responses: { 201: { description: 'Sent', schema: offerOut } },
      problems: ['sku-not-available', 'license-count-out-of-bounds', 'customer-not-onboarding'],
      async handler({ principal, body, audit }) {
        const partner = principal.partner;
        if (body.delegatedAdmin) authorize(principal, 'delegated-admin:request');
        const items = [];
        for (const item of body.items) {
          const service = await findService(deps, item.sku, partner.cloud as Cloud);
          if (!service) throw new Problem('sku-not-available', `${item.sku} is not sold in the ${partner.cloud} cloud`);
          if (item.licenses < service.minLicenses || item.licenses > service.maxLicenses) {
            throw new Problem('license-count-out-of-bounds', `${item.sku} takes ${service.minLicenses} to ${service.maxLicenses} licenses; asked for ${item.licenses}`);
          }
          const prices = service.prices instanceof Map ? Object.fromEntries(service.prices) : (service.prices as Record<string, { amount: number; currency: string }>);
          items.push({ ...item, minLicenses: service.minLicenses, maxLicenses: service.maxLicenses, priceMinor: prices[partner.cloud]!.amount, currency: prices[partner.cloud]!.currency });
        }
        const customers = [];
        for (const customerId of body.customerIds) {
          // The partner's customers are those it onboarded (the directory may lag a moment behind).
          const [tenant, onboarding] = await Promise.all([
            deps.models.Customer.findById(customerId).lean(),
            deps.temporal.workflow.getHandle(onboardingWorkflowId(partner._id, customerId)).describe().catch(() => undefined),
          ]);
          if (!tenant || !onboarding) throw notFound(`customer ${customerId}`);
          if (onboarding.status.name !== 'RUNNING') throw new Problem('customer-not-onboarding', `customer ${customerId} is not onboarding with this partner any more`);
          customers.push({ customerId, email: tenant.contacts?.[0]?.email ?? '' });
        }
        const now = new Date();
        const offer = (
          await deps.models.Offer.create({
            _id: newTimeOrderedId('ofr', now),
            partnerId: partner._id,
            code: newLinkCode(),
            items: body.items,
            createdBy: principal.user._id,
            createdAt: now,
            expiresAt: new Date(now.getTime() + body.expiresInSeconds * 1000),
            billingPeriodMs: body.billing.periodSeconds * 1000,
            cancellationWindowMs: body.billing.cancellationWindowSeconds * 1000,
          })
        ).toObject() as OfferDoc;
        await registerLinkCode(deps.models, offer.code, 'offer', offer._id);
        for (const c of customers) {
          const workflowId = offerWorkflowId(offer._id, c.customerId);
          const start = new WithStartWorkflowOperation(offerWorkflow, {
            workflowId,
            taskQueue: deps.taskQueue,
            workflowIdConflictPolicy: 'FAIL',
            typedSearchAttributes: [
              { key: PartnerId, value: partner._id },
              { key: CustomerId, value: c.customerId },
              { key: OfferId, value: offer._id },
              { key: LifecycleStage, value: 'offer-sent' },
            ],
            args: [
              {
                offerId: offer._id,
                partnerId: partner._id,
                partnerEmail: partner.profile.email,
                customerId: c.customerId,
                customerEmail: c.email,
                url: linkOf(offer.code),
                items: items.map((item) => ({ ...item, subscriptionId: newTimeOrderedId('sub') })),
                expiresAt: offer.expiresAt.toISOString(),
                billingPeriodMs: offer.billingPeriodMs,
                cancellationWindowMs: offer.cancellationWindowMs,
                delegatedAdmin: body.delegatedAdmin ? toOption(body.delegatedAdmin) : undefined,
              },
            ],
          });
          // Answers once stored, so that the next offer to this customer finds it to supersede.
          await deps.temporal.workflow.executeUpdateWithStart(offerRecordedUpdate, { startWorkflowOperation: start });
          const open = await deps.models.OfferRecipient.find({ partnerId: partner._id, customerId: c.customerId, status: 'sent', offerId: { $ne: offer._id } }).lean<OfferRecipientDoc[]>();
          for (const older of open) {
            await deps.temporal.workflow
              .getHandle(offerWorkflowId(older.offerId, c.customerId))
              .executeUpdate(supersedeOfferUpdate, { args: [{ byOfferId: offer._id }] })
              .catch((err) => {
                // accepted or ended meanwhile: it keeps that status
                if (!(err instanceof WorkflowNotFoundError) && applicationFailureOf(err)?.type !== OfferFailure.NotOpen) throw err;
              });
          }
        }
        await audit({ action: 'offer.sent', target: { kind: 'offer', id: offer._id }, details: { customers: body.customerIds, items: body.items } });
        return { status: 201, headers: { Location: `/v1/offers/${offer._id}` }, body: present(offer) };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/v1/offers',
      operationId: 'listOffers',
      summary: "The partner's purchase offers, newest first",
      tag: 'Offers',
      auth: 'partner',
      permission: 'offers:read',
      query: listOffersQuery,
      responses: { 200: { description: 'A page of offers', schema: page(offerOut) } },
      async handler({ principal, query }) {
        const filter = { partnerId: principal.partner._id };
        const { items, nextCursor } = await pageById<OfferDoc>(deps.models.Offer, filter, { ...query, scope: filter, order: 'newest-first' });
        return { status: 200, body: { items: items.map((o) => present(o)), nextCursor } };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/v1/offers/{offerId}',
      operationId: 'getOffer',
      summary: 'One offer, with where each customer stands with it',
      tag: 'Offers',
      auth: 'partner',
      permission: 'offers:read',
      params: offerParams,
      responses: { 200: { description: 'The offer', schema: offerOut } },
      async handler({ principal, params }) {
        const offer = await findOffer(principal.partner._id, params.offerId);
        const recipients = await deps.models.OfferRecipient.find({ offerId: offer._id }).sort({ _id: 1 }).lean<OfferRecipientDoc[]>();
        return { status: 200, body: present(offer, recipients) };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/v1/offers/{offerId}/revoke',
      operationId: 'revokeOffer',
      summary: 'Revoke an offer for every customer who has not accepted it',
      tag: 'Offers',
      auth: 'partner',
      permission: 'offers:send',
      params: offerParams,
      responses: { 200: { description: 'The offer, revoked', schema: offerOut } },
      async handler({ principal, params, audit }) {
        const offer = await findOffer(principal.partner._id, params.offerId);
        if (!offer.revokedAt) {
          await deps.models.Offer.updateOne({ _id: offer._id }, { $set: { revokedAt: new Date(), revokedBy: principal.user._id } });
        }
        const recipients = await deps.models.OfferRecipient.find({ offerId: offer._id }).lean<OfferRecipientDoc[]>();
        for (const r of recipients.filter((x) => x.status === 'sent')) {
          try {
            await deps.temporal.workflow.getHandle(offerWorkflowId(offer._id, r.customerId)).executeUpdate(revokeOfferUpdate, { args: [{ by: principal.user._id }] });
          } catch (err) {
            // accepted or ended meanwhile: it keeps that status
            if (!(err instanceof WorkflowNotFoundError) && applicationFailureOf(err)?.type !== OfferFailure.NotOpen) throw err;
          }
        }
        await audit({ action: 'offer.revoked', target: { kind: 'offer', id: offer._id } });
        const after = await deps.models.OfferRecipient.find({ offerId: offer._id }).sort({ _id: 1 }).lean<OfferRecipientDoc[]>();
        return { status: 200, body: present((await deps.models.Offer.findById(offer._id).lean<OfferDoc>())!, after) };
      },
    }),
  ];
}
