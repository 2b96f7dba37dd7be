import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import type { z } from 'zod';
import { requirePermission } from '../auth/policy';
import type { PartnerPrincipal } from '../auth/principal';
import { priceIn, type CatalogService } from '../catalog/service';
import { accepting, acceptingCustomer } from '../customers/new-tenant';
import type { CustomerService } from '../customers/service';
import { toOption } from '../delegated-admin/option';
import { insertOnce } from '../db/duplicate-key';
import { findOwned } from '../db/owned';
import { pageById, type Page, type PageRequest } from '../db/pagination';
import { DomainError, notFound } from '../errors';
import { idFor, requestedBy, updateIdFor, type RequestScope } from '../request-scope';
import type { ServiceDeps } from '../service-deps';
import { callWorkflow } from '../temporal/failures';
import { startOnce } from '../temporal/start-once';
import { keyRedemptionWorkflow, keyRegistrationWorkflow } from '../../workflows';
import { redeemKeyUpdate, type KeyRedemption, type RedeemKeyRequest } from '../../workflows/product-keys/messages';
import { keyRedemptionStart, keyRegistrationStart } from '../../workflows/product-keys/start';
import type { KeyRegistrationDoc, ProductKeyDoc, ProductKeyState } from './model';
import type { redeemKeySchema, registerKeysSchema } from './schemas';

export type Registration = KeyRegistrationDoc;

export interface RedeemedKey extends Omit<KeyRedemption, 'customerId' | 'redemptionId'> {
  customer: { id: string; name: string; domain: string };
  token?: string;
}

/**
 * Product keys a partner bought: registered in bulk (a job per registration, a workflow whose
 * activity stores its progress), kept once anywhere (a key is its record's id), and listed as
 * the partner's inventory.
 */
export function createProductKeyService(
  { models, temporal, taskQueue, updateWaitMs }: Pick<ServiceDeps, 'models' | 'temporal' | 'taskQueue' | 'updateWaitMs'>,
  { catalog, customers }: { catalog: CatalogService; customers: CustomerService },
) {
  /** Starts the registration's job unless it runs or ran (a request that died before starting it is mended here). */
  const runJob = async (reg: Pick<KeyRegistrationDoc, '_id' | 'partnerId'>, request?: RequestScope) => {
    try {
      await callWorkflow(() =>
        temporal.workflow.start(keyRegistrationWorkflow, {
          ...keyRegistrationStart({ registrationId: reg._id, partnerId: reg.partnerId, requested: request && requestedBy(request) }),
          taskQueue,
          workflowIdConflictPolicy: 'USE_EXISTING',
        }),
      );
    } catch (err) {
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err; // (it ran: its record says how it ended)
    }
  };

  return {
    /** Registers keys of one service: the registration's job, started (poll it for its progress and refusals). */
    async register(principal: PartnerPrincipal, input: z.output<typeof registerKeysSchema>, request: RequestScope): Promise<Registration> {
      await catalog.sellable(input.sku, principal.partner.cloud);
      const id = idFor(request, 'kreg');
      // the lines first: a registration always has them
      await insertOnce(models.KeyRegistrationLines, { _id: id, lines: input.keys });
      await insertOnce(models.KeyRegistration, {
        _id: id,
        partnerId: principal.partner._id,
        sku: input.sku,
        licenses: input.licenses,
        total: input.keys.length,
        status: 'running',
        processed: 0,
        registered: 0,
        refused: [],
        createdBy: principal.user._id,
        createdAt: request.at,
      });
      await runJob({ _id: id, partnerId: principal.partner._id }, request);
      return (await models.KeyRegistration.findById(id).lean())!;
    },

    /** A registration of the partner, with how far its job got. */
    async registration(partnerId: string, registrationId: string): Promise<Registration> {
      const owned = await findOwned(models.KeyRegistration, registrationId, { partnerId });
      if (!owned) throw notFound(`product key registration ${registrationId}`);
      if (owned.status !== 'running') return owned;
      await runJob(owned);
      return (await models.KeyRegistration.findById(registrationId).lean())!;
    },

    /**
     * Redeems one of the partner's keys for a customer — an existing one of the partner's, or a new
     * tenant (its token in the answer, once) — through the key's workflow: the key is redeemed once
     * (any other redemption, however concurrent, is refused) and the partner becomes the partner of
     * record of the subscription it sets up. Named by the request: a retry meets the same redemption.
     */
    async redeem(principal: PartnerPrincipal, key: string, input: z.output<typeof redeemKeySchema>, request: RequestScope): Promise<RedeemedKey> {
      const partner = principal.partner;
      if (input.delegatedAdmin) requirePermission(principal, 'delegated-admin:request');
      const stored = await findOwned(models.ProductKey, key, { partnerId: partner._id });
      if (!stored) throw notFound(`product key ${key}`);
      const redemptionId = idFor(request, 'pkr');
      if (stored.state === 'redeemed' && stored.redemptionId !== redemptionId) {
        throw new DomainError('product-key-redeemed', `product key ${key} was redeemed on ${stored.redeemedAt?.toISOString()}`, {
          redeemedAt: stored.redeemedAt?.toISOString(),
        });
      }
      if (input.customerId) await customers.requireCustomerOf(partner._id, input.customerId);
      const { customer, issued } = await acceptingCustomer(models, request, input.customerId, input.customer, () => undefined);
      const service = await catalog.sellable(stored.sku, partner.cloud);
      const price = priceIn(service, partner.cloud);
      const redemption: RedeemKeyRequest = {
        redemptionId,
        customer,
        subscriptionId: idFor(request, 'sub'),
        minLicenses: service.minLicenses,
        maxLicenses: service.maxLicenses,
        priceMinor: price.amount,
        currency: price.currency,
        billingPeriodMs: input.billing.periodSeconds * 1000,
        cancellationWindowMs: input.billing.cancellationWindowSeconds * 1000,
        partnerEmail: partner.profile.email,
        ...(input.delegatedAdmin ? { delegatedAdmin: { ...toOption(input.delegatedAdmin), relationshipId: idFor(request, 'rel') } } : {}),
        by: principal.user._id,
        requested: requestedBy(request),
      };
      const { result, token } = await accepting(
        models,
        issued,
        async () => {
          // a key's workflow runs once per redemption tried: a later run finds the key redeemed (or this redemption's result)
          const answered = await startOnce(
            temporal,
            keyRedemptionWorkflow,
            { ...keyRedemptionStart({ key, partnerId: partner._id }), taskQueue },
            redeemKeyUpdate,
            {
              updateId: updateIdFor(request, 'redeem'),
              waitMs: updateWaitMs,
              args: [redemption],
              reuse: 'ALLOW_DUPLICATE',
            },
          );
          if (answered.ended) throw new Error(`the redemption workflow of ${key} could not be started`); // (ALLOW_DUPLICATE starts a new run)
          return answered.state;
        },
        (r) => r.created && r.redemptionId === redemptionId,
      );
      const tenant = await customers.tenant(result.customerId);
      const { customerId: _c, redemptionId: _r, ...rest } = result;
      return { ...rest, customer: { id: tenant._id, name: tenant.name, domain: tenant.domain }, token };
    },

    /** The partner's keys, by key; of one state, and containing `q`, when given. */
    inventory(partnerId: string, filter: { state?: ProductKeyState; q?: string }, page: PageRequest): Promise<Page<ProductKeyDoc>> {
      const q = filter.q?.toUpperCase().replace(/[^A-Z0-9-]/g, '');
      return pageById(
        models.ProductKey,
        { partnerId, ...(filter.state ? { state: filter.state } : {}), ...(q ? { _id: { $regex: q } } : {}) },
        { ...page, scope: { partnerId, ...filter }, order: 'oldest-first' },
      );
    },
  };
}

export type ProductKeyService = ReturnType<typeof createProductKeyService>;
