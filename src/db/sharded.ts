import type { Connection, mongo } from 'mongoose';
import { mapLimit } from '../async';
import { isDuplicateKey } from './duplicate-key';

type Document = mongo.Document;
type Collection<T extends Document> = mongo.Collection<T>;

/**
 * A family of collections (`<name>_00` … `<name>_ff`) holding documents that are
 * only ever read by `_id`, spread by a hash of the id.
 *
 * Why: FerretDB v1 answers even an `_id` lookup by scanning its table (it does
 * not use the SQLite index), so the cost of a lookup grows with the collection.
 * Keeping each collection to a few hundred documents keeps lookups near a
 * millisecond at 100,000 customers; on MongoDB the spreading is harmless.
 * Documents are validated by their writer (they bypass mongoose models).
 */
export class ShardedCollection<T extends { _id: string }> {
  private readonly collections: Array<Collection<T & Document> | undefined>;

  constructor(
    private readonly connection: Connection,
    readonly name: string,
    readonly shards = 256,
  ) {
    this.collections = new Array(shards);
  }

  shardOf(id: string): number {
    // FNV-1a, 32 bit
    let h = 0x811c9dc5;
    for (let i = 0; i < id.length; i++) {
      h ^= id.charCodeAt(i);
      h = Math.imul(h, 0x01000193);
    }
    return (h >>> 0) % this.shards;
  }

  private collectionFor(id: string): Collection<T & Document> {
    const shard = this.shardOf(id);
    let c = this.collections[shard];
    if (!c) {
      const db = this.connection.db;
      if (!db) throw Object.assign(new Error('MongoDB is not connected'), { name: 'MongoNotConnectedError' });
      c = db.collection<T & Document>(`${this.name}_${shard.toString(16).padStart(this.shards > 256 ? 3 : 2, '0')}`);
      this.collections[shard] = c;
    }
    return c;
  }

  async get(id: string): Promise<T | null> {
    // A bare find command: a findOne would also build and close a cursor, a measurable cost here.
    const c = this.collectionFor(id);
    const res = (await c.db.command({ find: c.collectionName, filter: { _id: id }, limit: 1, singleBatch: true })) as { cursor: { firstBatch: T[] } };
    return res.cursor.firstBatch[0] ?? null;
  }

  /**
   * Reads many ids, one `_id` lookup each: FerretDB answers `{_id: x}` inside
   * SQLite, but decodes every document of the collection for an `$in`.
   */
  async getMany(ids: Iterable<string>): Promise<Map<string, T>> {
    const unique = [...new Set(ids)];
    const docs = await Promise.all(unique.map((id) => this.get(id)));
    const found = new Map<string, T>();
    docs.forEach((d, i) => d && found.set(unique[i]!, d));
    return found;
  }

  /**
   * Writes documents whole and deletes ids. `fresh` documents are believed new and
   * inserted in bulk (falling back to a replace if one exists after all); the
   * others are replaced one statement at a time, because FerretDB v1 holds a
   * database connection for every statement of an update command until the
   * command ends, and a command with a hundred statements exhausts its pool.
   */
  async write(docs: T[], deleteIds: string[] = [], fresh: T[] = []): Promise<void> {
    const byShard = new Map<number, T[]>();
    for (const doc of fresh) byShard.set(this.shardOf(doc._id), [...(byShard.get(this.shardOf(doc._id)) ?? []), doc]);
    const clashes: T[] = [];
    await mapLimit([...byShard.values()], WRITE_CONCURRENCY, async (group) => {
      try {
        await this.collectionFor(group[0]!._id).insertMany(group as never[], { ordered: false });
      } catch (err) {
        const dupes = new Set(((err as { writeErrors?: Array<{ code: number; index: number }> }).writeErrors ?? []).filter(isDuplicateKey).map((e) => e.index));
        if (dupes.size === 0) throw err;
        group.forEach((d, i) => dupes.has(i) && clashes.push(d));
      }
    });
    const ops: Array<() => Promise<unknown>> = [
      ...[...docs, ...clashes].map((doc) => () => this.collectionFor(doc._id).replaceOne({ _id: doc._id } as never, doc as never, { upsert: true })),
      ...deleteIds.map((id) => () => this.collectionFor(id).deleteOne({ _id: id } as never)),
    ];
    await mapLimit(ops, WRITE_CONCURRENCY, (op) => op());
  }
}

/** Writes in flight at once per call: FerretDB serialises writes anyway. */
const WRITE_CONCURRENCY = 8;
