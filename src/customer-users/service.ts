import type { CustomerDoc } from '../customers/model';
import { isDuplicateKey } from '../db/duplicate-key';
import { DomainError } from '../errors';
import { idFor, type RequestScope } from '../request-scope';
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
    /** Adds a user to the tenant; named by the request, so a retry with its Idempotency-Key finds the user it made. */
    async create(customer: CustomerDoc, input: NewCustomerUser, request: RequestScope): Promise<CustomerUserDoc> {
      const now = request.at;
      const userId = idFor(request, 'cuu');
      const audited = async (user: CustomerUserDoc) => {
        await request.audit({
          action: 'customer-user.created',
          target: { kind: 'customer-user', id: userId },
          details: { customerId: customer._id, email: input.email, skus: input.skus },
        });
        return user;
      };
      try {
        const user = await models.CustomerUser.create({
          _id: userId,
          customerId: customer._id,
          email: input.email,
          emailLower: input.email.toLowerCase(),
          displayName: input.displayName,
          assignedSkus: input.skus,
          createdAt: now,
          updatedAt: now,
        });
        return audited(user.toObject() as CustomerUserDoc);
      } catch (err) {
        if (!isDuplicateKey(err)) throw err;
        const made = await models.CustomerUser.findById(userId).lean();
        if (made?.customerId === customer._id && made.emailLower === input.email.toLowerCase()) {
          return audited(made); // made by an attempt before, which may have died before its audit entry (written once: the request names it)
        }
        throw new DomainError('email-taken', `a user with the e-mail ${input.email} exists in this tenant`);
      }
    },
  };
}

export type CustomerUserService = ReturnType<typeof createCustomerUserService>;
