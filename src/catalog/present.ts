import type { z } from 'zod';
import type { Cloud } from '../partners/model';
import type { CatalogServiceDoc } from './model';
import type { catalogServiceOut } from './schemas';
import { priceIn } from './service';

/** A catalog entry as sold in one cloud (with that cloud's price). */
export function presentService(s: CatalogServiceDoc, cloud: Cloud): z.infer<typeof catalogServiceOut> {
  return {
    sku: s._id,
    name: s.name,
    category: s.category,
    description: s.description,
    price: priceIn(s, cloud),
    trial: s.trial?.available
      ? { available: true, lengthDays: s.trial.lengthDays ?? undefined, licenseCount: s.trial.licenseCount ?? undefined }
      : { available: false },
    minLicenses: s.minLicenses,
    maxLicenses: s.maxLicenses,
  };
}
