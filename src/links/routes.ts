import type { z } from 'zod';
import { WorkflowNotFoundError } from '@temporalio/client';
import { invitationWorkflowId } from '../../workflows/invitations/ids';
import { acceptInvitationUpdate } from '../../workflows/invitations/messages';
import type { ApiDeps } from '../api/deps';
import { notFound, Problem, validationProblem } from '../api/problem';
import { defineRoute } from '../api/route';
import { issueCustomerToken } from '../auth/tokens';
import type { CatalogServiceDoc } from '../catalog/model';
import { newTimeOrderedId } from '../ids';
import type { InvitationDoc } from '../invitations/model';
import { acceptedOut, acceptLinkSchema, linkParams, linkViewOut } from './schemas';

type StoredInvitation = InvitationDoc & { _id: string };

/**
 * What customers reach through the links partners send: a view of the offer
 * with the partner's profile (no token needed), and acceptance.
 */
export function linkRoutes(deps: ApiDeps) {
  const findByCode = async (code: string): Promise<StoredInvitation> => {
    const invitation = await deps.models.Invitation.findOne({ code }).lean<StoredInvitation>();
    if (!invitation) throw notFound('this link');
    return invitation;
  };

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
        const invitation = await findByCode(params.code);
        const [partner, service] = await Promise.all([
          deps.models.Partner.findById(invitation.partnerId).lean(),
          deps.models.CatalogService.findById(invitation.sku).lean<CatalogServiceDoc>(),
        ]);
        if (!partner || !service) throw notFound('this link');
        const { name, phone, email, website, address } = partner.profile;
        const view: z.infer<typeof linkViewOut> = {
          kind: 'trial-invitation',
          status: invitation.status,
          expiresAt: invitation.expiresAt.toISOString(),
          partner: { name, phone, email, website, address: Object.fromEntries(Object.entries(address).filter(([, v]) => v != null)) as Record<string, string> },
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
      summary: 'Accept a trial invitation: a new customer (tenant created, token returned once) or an existing one (its token)',
      description:
        'Without a token, `customer` describes the new tenant; the answer carries its customer token, shown this once. ' +
        'With a customer token, the acceptance is for that customer. Either way the trial starts and the partner becomes the advisor.',
      tag: 'Customers (links)',
      auth: 'customer-or-public',
      params: linkParams,
      body: acceptLinkSchema,
      responses: { 201: { description: 'Accepted: the onboarding has started (or was already running)', schema: acceptedOut } },
      problems: ['invitation-not-active', 'customer-exists', 'cloud-mismatch', 'partner-not-authorised'],
      async handler({ params, body, principal, audit }) {
        if (principal && body.customer) {
          throw validationProblem([{ location: 'body', path: 'customer', message: 'leave it out when accepting with a customer token' }]);
        }
        if (!principal && !body.customer) {
          throw validationProblem([{ location: 'body', path: 'customer', message: 'describe the new customer, or send its customer token' }]);
        }
        const invitation = await findByCode(params.code);
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
          if (await deps.models.Customer.exists({ domain: wanted.domain })) {
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
            .executeUpdate(acceptInvitationUpdate, { args: [{ customer, subscriptionId }] });
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
  ];
}
