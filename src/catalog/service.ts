import { DomainError, notFound } from '../errors';
import type { Cloud } from '../partners/model';
import type { ServiceDeps } from '../service-deps';
import { licenseCountOutOfBounds } from '../../workflows/license-bounds';
import type { CatalogServiceDoc, Money } from './model';

/** The price per license and month of a service in a cloud where it is sold. */
export function priceIn(service: CatalogServiceDoc, cloud: Cloud): Money {
  const prices = service.prices instanceof Map ? Object.fromEntries(service.prices) : service.prices;
  const price = (prices as Partial<Record<string, Money>>)[cloud];
  if (!price) throw new Error(`${service._id} has no price in the ${cloud} cloud`);
  return { amount: price.amount, currency: price.currency };
}

/** Refuses a license count outside the service's bounds. */
export function requireWithinBounds(service: CatalogServiceDoc, licenses: number): void {
  const outOfBounds = licenseCountOutOfBounds({ sku: service._id, minLicenses: service.minLicenses, maxLicenses: service.maxLicenses }, licenses);
  if (outOfBounds) throw new DomainError('license-count-out-of-bounds', outOfBounds);
}

export function createCatalogService({ models }: Pick<ServiceDeps, 'models'>) {
  const find = async (sku: string, cloud: Cloud): Promise<CatalogServiceDoc | undefined> => {
    const s = await models.CatalogService.findById(sku).lean();
    return s && s.clouds.includes(cloud) ? s : undefined;
  };
  return {
    /** The services sold in a cloud, by SKU. */
    async list(cloud: Cloud, filter: { category?: string; trial?: boolean }): Promise<CatalogServiceDoc[]> {
      const services = await models.CatalogService.find({ clouds: cloud }).sort({ _id: 1 }).lean();
      return services
        .filter((s) => (filter.category ? s.category === filter.category : true))
        .filter((s) => (filter.trial === undefined ? true : !!s.trial?.available === filter.trial));
    },

    /** The service `sku` as sold in `cloud`; not found when it is not sold there. */
    async get(sku: string, cloud: Cloud): Promise<CatalogServiceDoc> {
      const s = await find(sku, cloud);
      if (!s) throw notFound(`service ${sku} in the ${cloud} cloud`);
      return s;
    },

    /** A catalog entry, whichever clouds sell it. */
    async entry(sku: string): Promise<CatalogServiceDoc> {
      const s = await models.CatalogService.findById(sku).lean();
      if (!s) throw notFound(`service ${sku}`);
      return s;
    },

    /** The service a partner of `cloud` may sell. */
    async sellable(sku: string, cloud: Cloud): Promise<CatalogServiceDoc> {
      const s = await find(sku, cloud);
      if (!s) throw new DomainError('sku-not-available', `${sku} is not sold in the ${cloud} cloud`);
      return s;
    },
  };
}

export type CatalogService = ReturnType<typeof createCatalogService>;
