import type { Models } from '../db/models';
import { CATALOG } from './seed-data';

/** Writes the catalog (reference data kept in code) to MongoDB; safe to run at every start. */
export async function seedCatalog(models: Models): Promise<void> {
  for (const s of CATALOG) {
    await models.CatalogService.replaceOne(
      { _id: s.sku },
      {
        _id: s.sku,
        name: s.name,
        category: s.category,
        description: s.description,
        clouds: Object.keys(s.prices),
        prices: s.prices,
        trial: s.trial,
        minLicenses: s.minLicenses,
        maxLicenses: s.maxLicenses,
      },
      { upsert: true },
    );
  }
}
