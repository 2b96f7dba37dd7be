import { defineRoute } from '../api/route';
import { page } from '../api/schemas';
import type { Services } from '../services';
import { presentProductKey, presentRegistration } from './present';
import { keyParams, listKeysQuery, productKeyOut, redeemKeySchema, redemptionOut, registerKeysSchema, registrationOut, registrationParams } from './schemas';

/** Product keys: bulk registration (a job to poll), redemption for a customer, and the partner's inventory. */
export function productKeyRoutes({ productKeys }: Services) {
  return [
    defineRoute({
      method: 'post',
      path: '/v1/product-keys/registrations',
      operationId: 'registerProductKeys',
      summary: 'Register product keys of one service in bulk (up to 10,000 a request)',
      description:
        'Answers at once with the registration, whose job registers the lines a thousand at a time: poll its `Location` until `status` is `done`. ' +
        'Each line that is malformed, repeats an earlier line, or holds a key already registered (by this partner or any other) is refused, with its line number; the others are registered. ' +
        'With the same Idempotency-Key, a retry meets the same registration.',
      tag: 'Product keys',
      auth: 'partner',
      permission: 'product-keys:register',
      body: registerKeysSchema,
      bodyLimitBytes: 1024 * 1024, // 10,000 keys of 29 characters and their quotes: 320 KB
      responses: { 202: { description: 'The registration, its job started', schema: registrationOut } },
      problems: ['sku-not-available'],
      async handler({ principal, body, request }) {
        const reg = await productKeys.register(principal, body, request);
        return { status: 202, headers: { Location: `/v1/product-keys/registrations/${reg._id}` }, body: presentRegistration(reg) };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/v1/product-keys/registrations/{registrationId}',
      operationId: 'getProductKeyRegistration',
      summary: 'A registration of product keys: how far its job got, what it registered and which lines it refused, and why',
      tag: 'Product keys',
      auth: 'partner',
      permission: 'product-keys:read',
      params: registrationParams,
      responses: { 200: { description: 'The registration', schema: registrationOut } },
      async handler({ principal, params }) {
        return { status: 200, body: presentRegistration(await productKeys.registration(principal.partner._id, params.registrationId)) };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/v1/product-keys/{key}/redemption',
      operationId: 'redeemProductKey',
      summary: 'Redeem a product key for a customer: an existing one of the partner, or a new tenant',
      description:
        'Sets up the subscription the key is for (its service and licenses) for the customer, through an onboarding without a trial (a running trial of the same service converts); ' +
        'the partner becomes the partner of record of that subscription. Optionally asks the customer for delegated administration at the same time (approval pending until it accepts). ' +
        'A key is redeemed once: any other redemption of it, however concurrent, is refused with `product-key-redeemed`. ' +
        "A new tenant's customer token is in the answer, this once. With the same Idempotency-Key, a retry meets the same redemption and gets its result.",
      tag: 'Product keys',
      auth: 'partner',
      permission: 'product-keys:redeem',
      params: keyParams,
      body: redeemKeySchema,
      showsSecret: true,
      responses: { 201: { description: 'Redeemed: the subscription it set up', schema: redemptionOut } },
      problems: ['product-key-redeemed', 'customer-exists', 'cloud-mismatch', 'partner-not-authorised', 'sku-not-available', 'change-in-progress'],
      async handler({ principal, params, body, request }) {
        const r = await productKeys.redeem(principal, params.key, body, request);
        return {
          status: 201,
          body: {
            key: r.key,
            customer: r.customer,
            created: r.created,
            subscription: r.subscription,
            delegatedAdmin: r.delegatedAdmin,
            redeemedAt: r.redeemedAt,
            token: r.token,
          },
        };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/v1/product-keys',
      operationId: 'listProductKeys',
      summary: "The partner's product keys (unused, or redeemed: by whom, when), by key",
      tag: 'Product keys',
      auth: 'partner',
      permission: 'product-keys:read',
      query: listKeysQuery,
      responses: { 200: { description: 'A page of keys', schema: page(productKeyOut) } },
      problems: ['invalid-cursor'],
      async handler({ principal, query }) {
        const { state, q, ...pageRequest } = query;
        const found = await productKeys.inventory(principal.partner._id, { state, q }, pageRequest);
        return { status: 200, body: { items: found.items.map(presentProductKey), nextCursor: found.nextCursor } };
      },
    }),
  ];
}
