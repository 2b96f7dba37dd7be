import { z } from 'zod';
import { WorkflowNotFoundError, type WorkflowHandle } from '@temporalio/client';
import { offerWorkflowId } from '../../workflows/offers/ids';
import { acceptOfferUpdate, declineOfferUpdate } from '../../workflows/offers/messages';
import type { OfferDoc } from '../offers/model';
import { invitationWorkflowId } from '../../workflows/invitations/ids';
import { acceptInvitationUpdate, declineInvitationUpdate } from '../../workflows/invitations/messages';
import type { ApiDeps } from '../api/deps';
import { notFound, Problem, validationProblem } from '../api/problem';
import { defineRoute } from '../api/route';
import { issueCustomerToken } from '../auth/tokens';
import type { CatalogServiceDoc } from '../catalog/model';
import { newTimeOrderedId } from '../ids';
import type { InvitationDoc } from '../invitations/model';
import { registerLinkCode } from './register';
import { acceptedOut, acceptLinkSchema, linkParams, linkViewOut } from './schemas';

type StoredInvitation = InvitationDoc & { _id: string };

/**
 * What customers reach through the links partners send: a view of the offer
 * with the partner's profile (no token needed), and acceptance.
 */
export function linkRoutes(deps: ApiDeps) {
  /** The invitation or offer a link's code stands for. */
  const findByCode = async (code: string): Promise<{ invitation: StoredInvitation; offer?: undefined } | { offer: OfferDoc; invitation?: undefined }> => {
    const link = await deps.models.LinkCode.findById(code).lean();
    if (link?.kind === 'invitation') {
      const invitation = await deps.models.Invitation.findById(link.targetId).lean<StoredInvitation>();
      if (invitation) return { invitation };
    } else if (link?.kind === 'offer') {
      const offer = await deps.models.Offer.findById(link.targetId).lean<OfferDoc>();
      if (offer) return { offer };
    } else {
      // A link made before codes were registered: found by its code (registered now).
      const [invitation, offer] = await Promise.all([deps.models.Invitation.findOne({ code }).lean<StoredInvitation>(), deps.models.Offer.findOne({ code }).lean<OfferDoc>()]);
      const found = invitation ? { kind: 'invitation' as const, targetId: invitation._id } : offer ? { kind: 'offer' as const, targetId: offer._id } : undefined;
      if (found) await registerLinkCode(deps.models, code, found.kind, found.targetId);
      if (invitation) return { invitation };
      if (offer) return { offer };
    }
    throw notFound('this link');
  };
  const partnerView = async (partnerId: string) => {
    const partner = await deps.models.Partner.findById(partnerId).lean();
    if (!partner) throw notFound('this link');
    const { name, phone, email, website, address } = partner.profile;
    return { name, phone, email, website, address: Object.fromEntries(Object.entries(address).filter(([, v]) => v != null)) as Record<string, string> };
  };
  /** Runs `act` on this customer's offer workflow; a customer the offer was not sent to gets a 404. */
  const onOffer = async <T>(offer: OfferDoc, customerId: string, act: (handle: WorkflowHandle) => Promise<T>): Promise<T> => {
    const handle = deps.temporal.workflow.getHandle(offerWorkflowId(offer._id, customerId));
    const recipient = await deps.models.OfferRecipient.findById(`${offer._id}|${customerId}`).lean();
    // Just sent, not stored yet: the workflow itself says whether the offer is for this customer.
    if (!recipient && !(await handle.describe().then(() => true, () => false))) throw notFound('this offer for this customer');
    try {
      return await act(handle);
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) throw new Problem('offer-not-open', `this offer is ${recipient?.status ?? 'over'}`, { offerStatus: recipient?.status });
      throw err;
    }
  };
  const offerStatus = (o: OfferDoc) => (o.revokedAt ? 'revoked' : o.expiresAt.getTime() <= Date.now() ? 'expired' : 'open');

  return [
    defineRoute({
      method: 'get',
      path: '/v1/links/{code}',
      operationId: 'viewLink',
      summary: 'What a link offers, and from which partner',
      tag: 'Customers (links)',
      auth: 'public',
      params: linkParams,
      responses: { 200: { description: 'The offer behind the link', schema: linkViewOut } },
      async handler({ params }) {
        const link = await findByCode(params.code);
        if (link.offer) {
          const offer = link.offer;
          const partner = await deps.models.Partner.findById(offer.partnerId).lean();
          const services = await Promise.all(offer.items.map((i) => deps.models.CatalogService.findById(i.sku).lean<CatalogServiceDoc>()));
          const view: z.infer<typeof linkViewOut> = {
            kind: 'purchase-offer',
            status: offerStatus(offer),
            expiresAt: offer.expiresAt.toISOString(),
            partner: await partnerView(offer.partnerId),
            items: offer.items.map((item, i) => {
              const s = services[i]!;
              const prices = s.prices instanceof Map ? Object.fromEntries(s.prices) : (s.prices as Record<string, { amount: number; currency: string }>);
              const price = prices[partner!.cloud]!;
              return { sku: s._id, name: s.name, description: s.description, licenses: item.licenses, minLicenses: s.minLicenses, maxLicenses: s.maxLicenses, monthlyPricePerLicense: { amount: price.amount, currency: price.currency } };
            }),
          };
          return { status: 200, body: view };
        }
        const invitation = link.invitation;
        const service = await deps.models.CatalogService.findById(invitation.sku).lean<CatalogServiceDoc>();
        if (!service) throw notFound('this link');
        const view: z.infer<typeof linkViewOut> = {
          kind: 'trial-invitation',
          status: invitation.status,
          expiresAt: invitation.expiresAt.toISOString(),
          partner: await partnerView(invitation.partnerId),
          service: {
            sku: service._id,
            name: service.name,
            description: service.description,
            trialDays: Math.round((invitation.trial.lengthMs / 86_400_000) * 100) / 100,
            licenses: invitation.trial.licenses,
          },
        };
        return { status: 200, body: view };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/v1/links/{code}/accept',
      operationId: 'acceptLink',
      summary: 'Accept a trial invitation (a new customer: tenant created, token returned once; or an existing one with its token) or a purchase offer (with the customer token)',
      description:
        'Without a token, `customer` describes the new tenant; the answer carries its customer token, shown this once. ' +
        'With a customer token, the acceptance is for that customer. Either way the trial starts and the partner becomes the advisor.',
      tag: 'Customers (links)',
      auth: 'customer-or-public',
      params: linkParams,
      body: acceptLinkSchema,
      responses: { 201: { description: 'Accepted: the onboarding has started (or was already running)', schema: acceptedOut } },
      problems: ['invitation-not-active', 'customer-exists', 'cloud-mismatch', 'partner-not-authorised', 'offer-not-open', 'license-count-out-of-bounds', 'customer-not-onboarding'],
      async handler({ params, body, principal, audit }) {
        const link = await findByCode(params.code);
        if (link.offer) {
          if (!principal) throw new Problem('unauthenticated', 'accepting an offer needs the customer token', {}, { 'WWW-Authenticate': 'Bearer realm="offerflow"' });
          if (body.customer) throw validationProblem([{ location: 'body', path: 'customer', message: 'not for offers' }]);
          const delegatedAdmin = { agreed: body.acceptDelegatedAdmin, relationshipId: newTimeOrderedId('rel') };
          const result = await onOffer(link.offer, principal.customer._id, (handle) => handle.executeUpdate(acceptOfferUpdate, { args: [{ licenses: body.licenses, delegatedAdmin, by: 'customer' }] }));
          await audit({ partnerId: link.offer.partnerId, actor: { kind: 'customer', id: principal.customer._id }, action: 'offer.accepted', target: { kind: 'offer', id: link.offer._id }, details: { licenses: result.items } });
          const c = principal.customer;
          return { status: 201, body: { customer: { id: c._id, name: c.name, domain: c.domain }, subscriptions: result.subscriptions, delegatedAdmin: result.delegatedAdmin } };
        }
        if (body.licenses) throw validationProblem([{ location: 'body', path: 'licenses', message: 'only for purchase offers' }]);
        if (principal && body.customer) {
          throw validationProblem([{ location: 'body', path: 'customer', message: 'leave it out when accepting with a customer token' }]);
        }
        if (!principal && !body.customer) {
          throw validationProblem([{ location: 'body', path: 'customer', message: 'describe the new customer, or send its customer token' }]);
        }
        const invitation = link.invitation;
        if (invitation.status !== 'active') {
          throw new Problem('invitation-not-active', `this invitation is ${invitation.status}`, { invitationStatus: invitation.status });
        }
        const subscriptionId = newTimeOrderedId('sub');
        let issued: ReturnType<typeof issueCustomerToken> | undefined;
        let customer;
        if (principal) {
          customer = { mode: 'existing' as const, customerId: principal.customer._id };
        } else {
          const wanted = body.customer!;
          if (await deps.models.CustomerDomain.exists({ _id: wanted.domain.toLowerCase() })) {
            throw new Problem('customer-exists', `a customer with the domain ${wanted.domain} exists already: accept with its customer token`);
          }
          const customerId = newTimeOrderedId('cus');
          // The token is stored (hashed) before the tenant exists, so that a crash in
          // between cannot leave a tenant nobody can sign in to; it is dropped on failure.
          issued = issueCustomerToken(customerId);
          await deps.models.CustomerToken.create({ _id: issued.tokenId, hash: issued.hash, customerId, createdAt: new Date() });
          customer = { mode: 'create' as const, customerId, name: wanted.name, domain: wanted.domain, contact: wanted.contact };
        }
        let result;
        try {
          result = await deps.temporal.workflow
            .getHandle(invitationWorkflowId(invitation._id))
            .executeUpdate(acceptInvitationUpdate, { args: [{ customer, subscriptionId, delegatedAdmin: { agreed: body.acceptDelegatedAdmin, relationshipId: newTimeOrderedId('rel') } }] });
        } catch (err) {
          if (issued) await deps.models.CustomerToken.deleteOne({ _id: issued.tokenId });
          if (err instanceof WorkflowNotFoundError) throw new Problem('invitation-not-active', 'this invitation has ended');
          throw err;
        }
        if (issued && !result.created) {
          await deps.models.CustomerToken.deleteOne({ _id: issued.tokenId });
          issued = undefined;
        }
        const tenant = (await deps.models.Customer.findById(result.customerId).lean())!;
        await audit({ partnerId: invitation.partnerId, actor: { kind: 'customer', id: result.customerId }, action: 'invitation.accepted', target: { kind: 'customer', id: result.customerId }, details: { invitationId: invitation._id, created: result.created, started: result.started } });
        return {
          status: 201,
          body: {
            customer: { id: tenant._id, name: tenant.name, domain: tenant.domain },
            onboarding: { workflowId: result.onboardingWorkflowId, started: result.started },
            subscriptionId: result.subscriptionId,
            token: issued?.token,
          },
        };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/v1/links/{code}/decline',
      operationId: 'declineLink',
      summary: 'Decline a trial invitation (anyone with the link) or a purchase offer (with the customer token)',
      tag: 'Customers (links)',
      auth: 'customer-or-public',
      params: linkParams,
      responses: { 200: { description: 'Declined', schema: z.object({ status: z.literal('declined') }) } },
      problems: ['offer-not-open', 'invitation-not-active', 'invitation-already-accepted'],
      async handler({ params, principal, audit }) {
        const link = await findByCode(params.code);
        if (link.invitation) {
          const { invitation } = link;
          const customerId = principal?.customer._id;
          if (customerId && (await deps.models.Redemption.exists({ _id: `${invitation._id}|${customerId}` }))) {
            throw new Problem('invitation-already-accepted', `customer ${customerId} accepted this invitation already`);
          }
          if (invitation.status !== 'active') {
            throw new Problem('invitation-not-active', `this invitation is ${invitation.status}`, { invitationStatus: invitation.status });
          }
          const by = customerId ?? 'anonymous';
          try {
            await deps.temporal.workflow.getHandle(invitationWorkflowId(invitation._id)).executeUpdate(declineInvitationUpdate, { args: [{ by }] });
          } catch (err) {
            if (err instanceof WorkflowNotFoundError) throw new Problem('invitation-not-active', 'this invitation has ended');
            throw err;
          }
          await audit({ partnerId: invitation.partnerId, actor: { kind: 'customer', id: by }, action: 'invitation.declined', target: { kind: 'invitation', id: invitation._id } });
          return { status: 200, body: { status: 'declined' as const } };
        }
        if (!principal) throw new Problem('unauthenticated', 'declining an offer needs the customer token', {}, { 'WWW-Authenticate': 'Bearer realm="offerflow"' });
        await onOffer(link.offer, principal.customer._id, (handle) => handle.executeUpdate(declineOfferUpdate, { args: [{ by: 'customer' }] }));
        await audit({ partnerId: link.offer.partnerId, actor: { kind: 'customer', id: principal.customer._id }, action: 'offer.declined', target: { kind: 'offer', id: link.offer._id } });
        return { status: 200, body: { status: 'declined' as const } };
      },
    }),
  ];
}
