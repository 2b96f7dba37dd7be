import { issueCustomerToken } from '../auth/tokens';
import type { Models } from '../db/models';
import { DomainError, invalidInput } from '../errors';
import { idFor, plainIdFor, type RequestScope } from '../request-scope';
import type { AcceptingCustomer } from '../../workflows/onboarding/types';

export interface NewCustomer {
  name: string;
  domain: string;
  contact: { name: string; email: string };
}

type Issued = ReturnType<typeof issueCustomerToken>;

/**
 * The new tenant an acceptance through a link makes, named by the request (a retry
 * makes the same one). Its token is stored (hashed) before the tenant exists, so
 * that a crash in between cannot leave a tenant nobody can sign in to; `accepting`
 * drops it again unless the acceptance made the tenant. `requireOpen` runs unless
 * this very request made the tenant already: that one gets its result, whatever
 * the link says now.
 */
async function newTenant(
  models: Models,
  request: RequestScope,
  wanted: NewCustomer,
  requireOpen: () => void,
): Promise<{ customer: AcceptingCustomer; issued: Issued }> {
  const customerId = idFor(request, 'cus');
  const holder = await models.CustomerDomain.findById(wanted.domain.toLowerCase()).lean();
  if (holder && holder.customerId !== customerId) {
    throw new DomainError('customer-exists', `a customer with the domain ${wanted.domain} exists already: accept with its customer token`);
  }
  if (!holder) requireOpen();
  const issued = issueCustomerToken(customerId, plainIdFor(request, 'tok'));
  await models.CustomerToken.replaceOne(
    { _id: issued.tokenId },
    { _id: issued.tokenId, hash: issued.hash, customerId, createdAt: new Date() },
    { upsert: true },
  );
  return { customer: { mode: 'create', customerId, name: wanted.name, domain: wanted.domain, contact: wanted.contact }, issued };
}

/**
 * The customer an acceptance is for: one that exists already (`existingId`, once `requireOpen`
 * holds), or the new tenant `wanted` describes (see newTenant), with its token issued.
 */
export async function acceptingCustomer(
  models: Models,
  request: RequestScope,
  existingId: string | undefined,
  wanted: NewCustomer | undefined,
  requireOpen: () => void,
): Promise<{ customer: AcceptingCustomer; issued?: Issued }> {
  if (existingId !== undefined) {
    requireOpen();
    return { customer: { mode: 'existing', customerId: existingId } };
  }
  if (!wanted) throw invalidInput('customer', 'describe the new customer, or send its customer token');
  return newTenant(models, request, wanted, requireOpen);
}

/**
 * Runs the acceptance `act` and answers its result with the new tenant's token when
 * it made the tenant (`created`). Refused, nothing was made; anything else (unconfirmed,
 * Temporal away) and a retry under the key issues the same token again.
 */
export async function accepting<T>(
  models: Models,
  issued: Issued | undefined,
  act: () => Promise<T>,
  created: (result: T) => boolean,
): Promise<{ result: T; token?: string }> {
  let result: T;
  try {
    result = await act();
  } catch (err) {
    if (issued) await models.CustomerToken.deleteOne({ _id: issued.tokenId });
    throw err;
  }
  if (issued && !created(result)) {
    await models.CustomerToken.deleteOne({ _id: issued.tokenId });
    return { result };
  }
  return { result, token: issued?.token };
}
