import type { CustomerDoc } from '../customers/model';
import { isDuplicateKey } from '../db/duplicate-key';
import { DomainError } from '../errors';
import { newTimeOrderedId } from '../ids';
import type { ServiceDeps } from '../service-deps';
import type { CustomerUserDoc } from './model';

export interface NewCustomerUser {
  email: string;
  displayName: string;
  /** SKUs whose licenses are assigned to the user. */
  skus: string[];
}

/** The users of a customer tenant and the licenses assigned to them. */
export function createCustomerUserService({ models }: Pick<ServiceDeps, 'models'>) {
  return {
    async create(customer: CustomerDoc, input: NewCustomerUser): Promise<CustomerUserDoc> {
      const now = new Date();
      try {
        const user = await models.CustomerUser.create({
          _id: newTimeOrderedId('cuu', now),
          customerId: customer._id,
          email: input.email,
          emailLower: input.email.toLowerCase(),
          displayName: input.displayName,
          assignedSkus: input.skus,
          createdAt: now,
          updatedAt: now,
        });
        return user.toObject() as CustomerUserDoc;
      } catch (err) {
        if (isDuplicateKey(err)) throw new DomainError('email-taken', `a user with the e-mail ${input.email} exists in this tenant`);
        throw err;
      }
    },
  };
}

export type CustomerUserService = ReturnType<typeof createCustomerUserService>;
