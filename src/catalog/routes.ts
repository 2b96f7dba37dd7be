import { defineRoute } from '../api/route';
import type { Services } from '../services';
import { presentService } from './present';
import { catalogQuery, catalogServiceOut, skuParams } from './schemas';

export function catalogRoutes({ catalog }: Services) {
  return [
    defineRoute({
      method: 'get',
      path: '/v1/catalog',
      operationId: 'listCatalog',
      summary: "Services sold in the partner's cloud",
      tag: 'Catalog',
      auth: 'partner',
      permission: 'catalog:read',
      query: catalogQuery,
      responses: { 200: { description: 'The catalog of the partner’s cloud', schema: catalogServiceOut.array() } },
      async handler({ principal, query }) {
        const cloud = principal.partner.cloud;
        const services = await catalog.list(cloud, { category: query.category, trial: query.trial === undefined ? undefined : query.trial === 'true' });
        return { status: 200, body: services.map((s) => presentService(s, cloud)) };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/v1/catalog/{sku}',
      operationId: 'getCatalogService',
      summary: 'One service of the catalog',
      tag: 'Catalog',
      auth: 'partner',
      permission: 'catalog:read',
      params: skuParams,
      responses: { 200: { description: 'The service', schema: catalogServiceOut } },
      async handler({ principal, params }) {
        return { status: 200, body: presentService(await catalog.get(params.sku, principal.partner.cloud), principal.partner.cloud) };
      },
    }),
  ];
}
