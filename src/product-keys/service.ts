import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import type { z } from 'zod';
import type { PartnerPrincipal } from '../auth/principal';
import type { CatalogService } from '../catalog/service';
import { insertOnce } from '../db/duplicate-key';
import { findOwned } from '../db/owned';
import { pageById, type Page, type PageRequest } from '../db/pagination';
import { notFound } from '../errors';
import { idFor, requestedBy, type RequestScope } from '../request-scope';
import type { ServiceDeps } from '../service-deps';
import { callWorkflow } from '../temporal/failures';
import { keyRegistrationWorkflow } from '../../workflows';
import { keyRegistrationStart } from '../../workflows/product-keys/start';
import type { KeyRegistrationDoc, ProductKeyDoc, ProductKeyState } from './model';
import type { registerKeysSchema } from './schemas';

export type Registration = KeyRegistrationDoc;

/**
 * Product keys a partner bought: registered in bulk (a job per registration, a workflow whose
 * activity stores its progress), kept once anywhere (a key is its record's id), and listed as
 * the partner's inventory.
 */
export function createProductKeyService(
  { models, temporal, taskQueue }: Pick<ServiceDeps, 'models' | 'temporal' | 'taskQueue'>,
  { catalog }: { catalog: CatalogService },
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
