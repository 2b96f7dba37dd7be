import type { z } from 'zod';
import { defineRoute } from '../api/route';
import { notFound } from '../api/problem';
import type { ApiDeps } from '../api/deps';
import type { Cloud } from '../partners/model';
import type { CatalogServiceDoc } from './model';
import { catalogQuery, catalogServiceOut, skuParams } from './schemas';

/** A catalog entry as sold in one cloud (with that cloud's price). */
export function presentService(s: CatalogServiceDoc, cloud: Cloud): z.infer<typeof catalogServiceOut> {
  const prices = s.prices instanceof Map ? Object.fromEntries(s.prices) : (s.prices as Record<string, { amount: number; currency: string }>);
  const price = prices[cloud]!;
  return {
    sku: s._id,
    name: s.name,
    category: s.category,
    description: s.description,
    price: { amount: price.amount, currency: price.currency },
    trial: s.trial?.available ? { available: true, lengthDays: s.trial.lengthDays ?? undefined, licenseCount: s.trial.licenseCount ?? undefined } : { available: false },
    minLicenses: s.minLicenses,
    maxLicenses: s.maxLicenses,
  };
}

/** The service `sku` as sold in `cloud`, or undefined when it is not sold there. */
export async function findService(deps: Pick<ApiDeps, 'models'>, sku: string, cloud: Cloud): Promise<CatalogServiceDoc | undefined> {
  const s = await deps.models.CatalogService.findById(sku).lean<CatalogServiceDoc>();
  return s && (s.clouds as string[]).includes(cloud) ? s : undefined;
}

export function catalogRoutes(deps: ApiDeps) {
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
        const cloud = principal.partner.cloud as Cloud;
        const services = await deps.models.CatalogService.find({ clouds: cloud }).sort({ _id: 1 }).lean<CatalogServiceDoc[]>();
        const items = services
          .filter((s) => (query.category ? s.category === query.category : true))
          .filter((s) => (query.trial ? String(!!s.trial?.available) === query.trial : true))
          .map((s) => presentService(s, cloud));
        return { status: 200, body: items };
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
        const cloud = principal.partner.cloud as Cloud;
        const s = await findService(deps, params.sku, cloud);
        if (!s) throw notFound(`service ${params.sku} in the ${cloud} cloud`);
        return { status: 200, body: presentService(s, cloud) };
      },
    }),
  ];
}
