import { randomBytes } from 'node:crypto';
import type { ShardedCollection } from '../../src/db/sharded';
import type { IndexDoc } from '../../src/customers/directory/model';
import type { FakeCustomer } from '../../bench/fake-customers';
import type { PartnerCustomerInput } from '../../src/customers/directory/directory';
import type { TestStack } from './stack';

/** A fake customer as the directory's writer takes it. */
export const directoryInput = (partnerId: string, c: FakeCustomer & { customerId: string }, stage: string, at: Date): PartnerCustomerInput => ({
  partnerId,
  customerId: c.customerId,
  name: c.name,
  domain: c.domain,
  cloud: 'global',
  status: c.status,
  stage,
  skus: c.skus,
  at,
});

/**
 * Takes a partner's directory back to layout 1, as offerflow wrote it before the facet terms
 * (stage, delegated admin, open requests) and the orders (by name, last activity, facet): those
 * documents gone, no version in its meta, and a new generation (so no writer's cached copy holds).
 */
export async function downgradeDirectory(stack: TestStack, partnerId: string): Promise<void> {
  const d = stack.directory;
  const db = stack.models.Partner.db.db!;
  const dropAll = (collection: ShardedCollection<IndexDoc>, pattern: string) =>
    Promise.all(
      Array.from({ length: collection.shards }, (_, shard) =>
        db.collection(`${collection.name}_${shard.toString(16).padStart(2, '0')}`).deleteMany({ _id: { $regex: pattern } } as never),
      ),
    );
  for (const kind of ['t', 'p']) for (const facet of ['st:', 'da:', 'req:']) await dropAll(d.index, `^${kind}\\|${partnerId}\\|${facet}`);
  await dropAll(d.orders, `^o[dc]\\|${partnerId}\\|`);
  const meta = await d.index.get(`m|${partnerId}`);
  const { version: _version, ...v1 } = JSON.parse(meta!.v) as { version?: number };
  await d.index.write([{ _id: meta!._id, v: JSON.stringify({ ...v1, generation: randomBytes(8).toString('hex') }) }]);
}
