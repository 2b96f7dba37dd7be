import { ApplicationFailure, WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { Models } from '../../src/db/models';
import { customerUserStore, type UserChange } from '../../src/customer-users/store';
import { serviceRequestOperations } from '../../src/service-requests/operations';
import { DOMAIN_REFUSAL, DomainError } from '../../src/errors';
import { applicationFailureOf } from '../../src/temporal/failures';
import type { ActInCustomerInput, ActResult } from '../../workflows/delegated-admin/acting';
import { auditIdOf } from '../audit/activities';
import { changeLicensesUpdate, setRenewalUpdate } from '../../workflows/subscriptions/messages';
import { subscriptionWorkflowId } from '../../workflows/subscriptions/start';

const refusal = (err: DomainError) => ApplicationFailure.nonRetryable(err.message, DOMAIN_REFUSAL, { kind: err.kind, ...err.details });

export function createActingActivities({ models, temporal, taskQueue }: { models: Models; temporal: Client; taskQueue: string }) {
  const users = customerUserStore(models);
  const serviceRequests = serviceRequestOperations({ models, temporal, taskQueue });

  const perform = async (input: ActInCustomerInput): Promise<ActResult> => {
    const { action } = input;
    const partner = await models.Partner.findById(input.partnerId, { authorisations: 1 }).lean();
    if (!partner?.authorisations.includes('authorised-service-provider')) {
      throw new DomainError('authorisation-required', 'managing customers needs the partner to be an authorised service provider; it is no longer one');
    }
    const change: UserChange = {
      customerId: input.customerId,
      actor: { kind: 'partner-user', userId: input.userId, partnerId: input.partnerId, relationshipId: input.relationshipId, role: input.role },
      at: new Date(input.at),
      auditId: auditIdOf(input.key, new Date(input.at)),
      requestId: input.requested?.requestId,
    };
    const onRequest = {
      partnerId: input.partnerId,
      customerId: input.customerId,
      requested: input.requested ?? { actor: { kind: 'partner-user' as const, id: input.userId } },
    };
    const actor = { kind: 'partner-user' as const, userId: input.userId, relationshipId: input.relationshipId };
    switch (action.kind) {
      case 'open-service-request': {
        const { kind: _kind, ...fields } = action;
        await serviceRequests.open({ ...onRequest, ...fields, actor });
        return { kind: action.kind, targetId: action.serviceRequestId };
      }
      case 'note-service-request':
        await serviceRequests.addNote({ ...onRequest, serviceRequestId: action.serviceRequestId, text: action.text, updateId: action.updateId, actor });
        return { kind: action.kind, targetId: action.serviceRequestId };
      case 'set-service-request-status':
        await serviceRequests.setStatus({ ...onRequest, serviceRequestId: action.serviceRequestId, status: action.status, updateId: action.updateId, actor });
        return { kind: action.kind, targetId: action.serviceRequestId };
      case 'create-user':
        await users.create(change, action);
        return { kind: action.kind, targetId: action.userId };
      case 'update-user': {
        const { kind: _kind, userId, ...patch } = action;
        await users.update(change, userId, patch);
        return { kind: action.kind, targetId: userId };
      }
      case 'remove-user':
        await users.remove(change, action.userId);
        return { kind: action.kind, targetId: action.userId };
      case 'reset-password':
        await users.resetPassword(change, action.userId, action.passwordHash);
        return { kind: action.kind, targetId: action.userId };
      case 'change-licenses':
      case 'set-renewal': {
        const sub = await models.Subscription.findOne({ _id: action.subscriptionId, customerId: input.customerId, partnerId: input.partnerId }).lean();
        if (!sub) throw new DomainError('not-found', `subscription ${action.subscriptionId} was not found`);
        const by = `partner user ${input.userId}`;
        const handle = temporal.workflow.getHandle(subscriptionWorkflowId(sub._id));
        try {
          if (action.kind === 'change-licenses') {
            await handle.executeUpdate(changeLicensesUpdate, {
              updateId: action.updateId,
              args: [{ licenses: action.licenses, by, requested: input.requested }],
            });
          } else {
            await handle.executeUpdate(setRenewalUpdate, {
              updateId: action.updateId,
              args: [{ autoRenew: action.autoRenew, by, requested: input.requested }],
            });
          }
        } catch (err) {
          if (err instanceof WorkflowNotFoundError) throw new DomainError('subscription-not-active', `subscription ${sub._id} is ${sub.status}`);
          const failure = applicationFailureOf(err);
          if (failure?.type) throw ApplicationFailure.nonRetryable(failure.message, failure.type, ...(failure.details ?? []));
          throw err;
        }
        return { kind: action.kind, targetId: sub._id };
      }
    }
  };

  return {
    /**
     * Does one act of a partner user in a customer, for the relationship's workflow that
     * let it start (the partner must still be an authorised service provider). Idempotent:
     * the act's key names its audit entry and update, so a retry finds it done.
     */
    async actInCustomer(input: ActInCustomerInput): Promise<ActResult> {
      try {
        return await perform(input);
      } catch (err) {
        throw err instanceof DomainError ? refusal(err) : err;
      }
    },
  };
}

export type ActingActivities = ReturnType<typeof createActingActivities>;
