import { ApplicationFailure } from '@temporalio/activity';
import type { CustomerDoc } from '../../src/customers/model';
import { isDuplicateKey } from '../../src/db/duplicate-key';
import type { Models } from '../../src/db/models';
import type { Cloud } from '../../src/partners/model';
import { OnboardingFailure } from '../../workflows/onboarding/failures';
import { refusingInvalidRecords } from '../records';

export interface RegisterCustomerRequest {
  mode: 'create' | 'existing';
  customerId: string;
  cloud: string;
  name?: string;
  domain?: string;
  contact?: { name: string; email: string };
  at: string;
}

export interface RegisteredCustomer {
  customerId: string;
  name: string;
  domain: string;
  contactEmail: string;
  contactName: string;
  created: boolean;
}

const registered = (c: CustomerDoc, created: boolean): RegisteredCustomer => ({
  customerId: c._id,
  name: c.name,
  domain: c.domain,
  contactName: c.contacts?.[0]?.name ?? c.name,
  contactEmail: c.contacts?.[0]?.email ?? '',
  created,
});

export function createCustomerActivities({ models }: { models: Models }) {
  const domainTaken = (domain: string) =>
    ApplicationFailure.nonRetryable(`a customer with the domain ${domain} already exists`, OnboardingFailure.CustomerExists, { domain });
  return {
    /**
     * The customer tenant an acceptance is for: a new one (refused if its domain
     * is taken) or an existing one (which must be of the partner's cloud).
     */
    async registerCustomer(input: RegisterCustomerRequest): Promise<RegisteredCustomer> {
      if (input.mode === 'existing') {
        const c = await models.Customer.findById(input.customerId).lean();
        if (!c) throw ApplicationFailure.nonRetryable(`customer ${input.customerId} does not exist`, OnboardingFailure.CustomerNotFound);
        if (c.cloud !== input.cloud) {
          throw ApplicationFailure.nonRetryable(
            `customer ${c.domain} is in the ${c.cloud} cloud, the partner in the ${input.cloud} cloud`,
            OnboardingFailure.CloudMismatch,
          );
        }
        return registered(c, false);
      }
      const at = new Date(input.at);
      const domain = input.domain!.toLowerCase();
      return refusingInvalidRecords(async () => {
        try {
          await models.CustomerDomain.create({ _id: domain, customerId: input.customerId });
        } catch (err) {
          if (!isDuplicateKey(err)) throw err;
          const holder = await models.CustomerDomain.findById(domain).lean();
          if (holder?.customerId !== input.customerId) throw domainTaken(input.domain!);
        }
        try {
          await models.Customer.create({
            _id: input.customerId,
            name: input.name,
            domain: input.domain,
            cloud: input.cloud as Cloud,
            contacts: input.contact ? [input.contact] : [],
            createdAt: at,
            updatedAt: at,
          });
        } catch (err) {
          if (!isDuplicateKey(err)) throw err;
          const mine = await models.Customer.findById(input.customerId).lean();
          if (!mine) {
            // Held by a customer made before domains were registered: the register now names it.
            const holder = await models.Customer.findOne({ domain }, { _id: 1 }).lean();
            if (holder) await models.CustomerDomain.updateOne({ _id: domain }, { $set: { customerId: holder._id } });
            throw domainTaken(input.domain!);
          }
        }
        return registered((await models.Customer.findById(input.customerId).lean())!, true);
      });
    },
  };
}

export type CustomerActivities = ReturnType<typeof createCustomerActivities>;
