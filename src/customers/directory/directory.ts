import { randomUUID } from 'node:crypto';
import type { Connection } from 'mongoose';
import { mapLimit } from '../../async';
import { ShardedCollection } from '../../db/sharded';
import { combineFacts, heldFactsOf, withFacts, type CustomerFactsInput, type HeldFacts } from './facts';
import { CUSTOMER_STATUSES, type CustomerSort, type IndexDoc, type PartnerCustomer } from './model';
import { decodeOrderDirectory, encodeOrderDirectory, inRange, locateChunk, planOrder, type OrderDirectory, type OrderEntry } from './orders';
import {
  applyToSorted,
  decodeDirectory,
  decodeSeqs,
  directoryCountStale,
  encodeDirectory,
  encodeSeqs,
  entriesListed,
  intersectDescending,
  pageOf,
} from './postings';
import {
  delegatedAdminTerm,
  filterTerms,
  matches,
  normalize,
  openRequestsTerm,
  queryGrams,
  stageTerm,
  statusTerm,
  termsOf,
  textTerm,
  type Filter,
} from './terms';
import { decodeRecord, encodeRecord, seqOfStored, type StoredRecord } from './record-codec';
import { WriterCache } from './writer-cache';
import { changedId, ReadCache, withBatch, type ChangeLog } from './read-cache';

/** The directory's layout; one written before it is brought up to it by `upgradeSlice`. */
export const DIRECTORY_VERSION = 3;
/** Customers of neighbouring sequence numbers are stored together, this many to a document. */
const BLOCK = 32;
/** Most customer records a search request reads before answering with what it has (and a cursor). */
const MAX_RECORDS_PER_REQUEST = 1500;
/** Query pieces looked up at most (spread over the query); the full match is checked on each record anyway. */
const MAX_QUERY_GRAMS = 4;
/** Record blocks read at a time when loading a partner's records into the read cache (see warmRecords). */
const WARM_CHUNK = 16;
/** A partner's records are loaded into the read cache again at most this often (they may have been pushed out). */
const WARM_AGAIN_MS = 10 * 60_000;
/** What a block of records, and a chunk of an order, take in the read cache, about (characters), to judge whether a partner's all fit. */
const BLOCK_CHARS = 6000;
const CHUNK_CHARS = 16_000;
/** A term listing more than this share of the partner's customers filters too little to be worth reading. */
const DENSE_SHARE = 0.5;
/**
 * A piece of names and domains that more than DENSE_SHARE of the partner's customers have
 * (the ".onmicrosoft.com" pieces) is no longer indexed once it has this many customers:
 * its lists were the largest documents of the index (a fifth of a megabyte a page) and every
 * new customer rewrote them, while a search never reads them (they filter nothing).
 */
export const DEFAULT_STOP_PIECES_FROM = 2000;

export type PartnerCustomerInput = Omit<PartnerCustomer, '_id' | 'seq' | 'createdAt' | 'updatedAt' | 'lastActivityAt' | 'delegatedAdmin' | 'openRequests'> & {
  at: Date;
};

export type SearchFilter = Filter;

export interface SearchPage {
  items: PartnerCustomer[];
  /** Sequence number to continue below, when there may be more. */
  next?: number;
}

export interface OrderedPage {
  items: PartnerCustomer[];
  /** Sort key to continue after, when there may be more. */
  next?: string;
}

/** The orders kept besides the newest-first one, and each customer's key in them (unique: it ends with the sequence number). */
export const ORDERS = {
  name: (r: PartnerCustomer) => `${normalize(r.name)}\u0001${seqKey(r.seq)}`,
  // most recent first: keys ascend as the moment goes back
  lastActivity: (r: PartnerCustomer) => `${(LATEST_MS - r.lastActivityAt.getTime()).toString().padStart(16, '0')}|${seqKey(r.seq)}`,
} satisfies Record<Exclude<CustomerSort, 'newest'>, (r: PartnerCustomer) => string>;
/**
 * The orders: by name, by last activity, and newest first among the customers of one
 * filter term (`n:<term>`, for the terms of FACETS): a filtered list reads its term's
 * order as the plain list reads its blocks, a page at a time, however rare the term; and
 * by last activity among the customers with open requests (`a:<req term>`): the customers
 * who need help, most recent first.
 */
export type OrderName = keyof typeof ORDERS | `n:${string}` | `a:${string}`;
const ORDER_NAMES = Object.keys(ORDERS) as Array<keyof typeof ORDERS>;
/** Terms that have a newest-first order of their own: delegated-admin states, open requests, stages (a few per customer). */
const FACETS = ['da:', 'req:', 'st:'];
const facetsOf = (r: PartnerCustomer) => [...termsOf(r)].filter((t) => FACETS.some((f) => t.startsWith(f)));
/** Terms that also have a last-activity order of their own: open requests (any, by severity). */
const activityFacetsOf = (r: PartnerCustomer) => facetsOf(r).filter((t) => t.startsWith('req:'));
const newestKey = (r: PartnerCustomer) => (NEWEST_SEQ - r.seq).toString(36).padStart(9, '0');
const NEWEST_SEQ = 36 ** 9 - 1;

/** The filter's fields whose terms have a newest-first order of their own (none with a text query), with the term. */
function facetsIn(filter: SearchFilter): Array<readonly [field: keyof SearchFilter, term: string]> {
  if (filter.q) return [];
  return [
    ...(filter.openRequests ? [['openRequests', openRequestsTerm(filter.openRequests)] as const] : []),
    ...(filter.delegatedAdmin ? [['delegatedAdmin', delegatedAdminTerm(filter.delegatedAdmin)] as const] : []),
    ...(filter.stage ? [['stage', stageTerm(filter.stage)] as const] : []),
  ];
}

/** Whether a newest-first list with this filter reads one of its terms' own orders (see CustomerDirectory.searchFaceted). */
export const hasFacetOrder = (filter: SearchFilter): boolean => facetsIn(filter).length > 0;
const LATEST_MS = 9_000_000_000_000_000;
const seqKey = (seq: number) => seq.toString(36).padStart(8, '0');

const blockOf = (seq: number) => Math.floor(seq / BLOCK);

const ids = {
  block: (p: string, block: number) => `${p}|${block.toString(36)}`,
  seqOf: (p: string, customerId: string) => `x|${p}|${customerId}`,
  meta: (p: string) => `m|${p}`,
  vocabulary: (p: string) => `v|${p}`,
  directory: (p: string, term: string) => `t|${p}|${term}`,
  page: (p: string, term: string, page: number) => `p|${p}|${term}|${page.toString(36)}`,
  /** Facts published for customers not listed yet (see apply). */
  pendingFacts: (p: string) => `f|${p}`,
  /** The last batches and what each changed (see ReadCache). */
  changeLog: (p: string) => `c|${p}`,
  orderDirectory: (p: string, order: OrderName) => `od|${p}|${order}`,
  orderChunk: (p: string, order: OrderName, chunk: string) => `oc|${p}|${order}|${chunk}`,
};

/**
 * Each partner's customers, listed newest first and searchable by any part of
 * name or domain, by status and by SKU, with cursor pagination that stays fast
 * at 100,000 customers on FerretDB (which scans tables for every query): every
 * read is by `_id` in small collections, through an inverted index of 2/3-grams.
 *
 * `apply` must have one writer per partner at a time: it reads, then writes
 * index pages, and FerretDB has no transactions. Callers serialise it per partner.
 */
export class CustomerDirectory {
  /**
   * Records, in blocks of BLOCK neighbours, as JSON text: FerretDB's cost is per
   * query far more than per byte, and it reads one string field at a fraction of
   * the cost of a dozen fields. A page of a list is one or two reads.
   */
  readonly records: ShardedCollection<IndexDoc>;
  readonly index: ShardedCollection<IndexDoc>;
  /** customer id → sequence number, apart so the index collections stay small. */
  readonly seqs: ShardedCollection<IndexDoc>;
  /** The name and last-activity orders (see orders.ts). */
  readonly orders: ShardedCollection<IndexDoc>;
  /** The writer's own copy of what it wrote last (see WriterCache); searches always read the database. */
  private readonly cache = new WriterCache();

  /** What lists and searches read, held while the database says it is current (see ReadCache); off unless given a size. */
  private readonly readCache: ReadCache;

  /** Partners whose records were last loaded into the read cache, and when (see warmRecords). */
  private readonly warmed = new Map<string, number>();

  /** Customers from which a piece most of them have stops being indexed (DEFAULT_STOP_PIECES_FROM). */
  private readonly stopPiecesFrom: number;

  constructor(connection: Connection, options: { stopPiecesFrom?: number; readCacheChars?: number } = {}) {
    this.stopPiecesFrom = options.stopPiecesFrom ?? DEFAULT_STOP_PIECES_FROM;
    this.readCache = new ReadCache(options.readCacheChars ?? 0);
    this.records = new ShardedCollection(connection, 'partner_customers');
    this.index = new ShardedCollection(connection, 'customer_index');
    this.seqs = new ShardedCollection(connection, 'customer_seqs');
    this.orders = new ShardedCollection(connection, 'customer_orders');
  }

  async get(partnerId: string, customerId: string): Promise<PartnerCustomer | null> {
    const { read } = await this.reading(partnerId);
    const seq = (await read(this.seqs, [ids.seqOf(partnerId, customerId)])).get(ids.seqOf(partnerId, customerId));
    if (!seq) return null;
    return (await this.recordsAt(partnerId, [Number(seq.v)], (blockIds) => read(this.records, blockIds))).get(Number(seq.v)) ?? null;
  }

  /**
   * Loads documents of a partner (all its records, or all of an order's chunks) into the read
   * cache, in the background, when they fit in a half of it: a text search finds customers
   * scattered over the whole list, a document each, and reading them one by one costs a text
   * search several times the plain list's time.
   */
  private warm(partnerId: string, what: string, collection: ShardedCollection<IndexDoc>, docIds: () => string[], chars: number): void {
    const key = `${partnerId}|${what}`;
    const last = this.warmed.get(key);
    if (!this.readCache.enabled || chars > this.readCache.maxChars / 2 || (last !== undefined && Date.now() - last < WARM_AGAIN_MS)) return;
    this.warmed.set(key, Date.now());
    const all = docIds(); // (named only when they are loaded: a search runs this check every time)
    void (async () => {
      for (let i = 0; i < all.length; i += WARM_CHUNK) await this.readCache.getMany(partnerId, collection, all.slice(i, i + WARM_CHUNK));
    })().catch(() => this.warmed.delete(key)); // (the database went away: another search tries again)
  }

  /**
   * Starts a read of a partner's directory: its meta document, and a reader of documents that
   * answers from the read cache what the meta says is current.
   */
  private async reading(partnerId: string): Promise<{ meta: Meta; read: Reader }> {
    const meta = metaOf(await this.index.get(ids.meta(partnerId)));
    await this.readCache.sync(
      partnerId,
      meta.change !== undefined && meta.generation ? { change: meta.change, generation: meta.generation } : undefined,
      async () => changeLogOf(await this.index.get(ids.changeLog(partnerId))),
    );
    return { meta, read: (collection, docIds) => this.readCache.getMany(partnerId, collection, docIds) };
  }

  /**
   * A newest-first page of a filter one of whose terms has an order of its own (see hasFacetOrder):
   * the rarest such term's order (its directory, read with the others', has the fewest chunks), so
   * the filter's other terms, checked on each record, let through as many as they can.
   */
  async searchFaceted(partnerId: string, filter: SearchFilter, limit: number, after?: string): Promise<OrderedPage> {
    const facets = facetsIn(filter);
    const { read } = await this.reading(partnerId);
    const orders = facets.map(([field, term]) => ({ field, order: `n:${term}` as OrderName }));
    const docs = await read(
      this.orders,
      orders.map(({ order }) => ids.orderDirectory(partnerId, order)),
    );
    const dirs = orders.map((o) => ({ ...o, dir: decodeOrderDirectory(docs.get(ids.orderDirectory(partnerId, o.order))?.v) }));
    const rarest = dirs.reduce((a, b) => (b.dir.chunks.length < a.dir.chunks.length ? b : a));
    // every entry of the order has its term: the rest of the filter is what is checked
    return this.readOrder(partnerId, read, rarest.order, rarest.dir, { ...filter, [rarest.field]: undefined }, limit, after);
  }

  async count(partnerId: string): Promise<number> {
    return metaOf(await this.index.get(ids.meta(partnerId))).next;
  }

  async search(partnerId: string, filter: SearchFilter, limit: number, before = Number.POSITIVE_INFINITY): Promise<SearchPage> {
    const terms = [...(filter.q ? spread(queryGrams(normalize(filter.q)), MAX_QUERY_GRAMS).map(textTerm) : []), ...filterTerms(filter)];
    const budget = { records: MAX_RECORDS_PER_REQUEST };
    const { meta, read } = await this.reading(partnerId);
    if (filter.q) {
      const blocks = Math.ceil(meta.next / BLOCK);
      this.warm(partnerId, 'records', this.records, () => Array.from({ length: blocks }, (_, k) => ids.block(partnerId, blocks - 1 - k)), blocks * BLOCK_CHARS);
    }
    const items: PartnerCustomer[] = [];
    /**
     * Verifies candidates (descending) against their records until the page is full.
     * `later` says whether candidates exist beyond this list; the answer says where
     * to continue, or nothing when the end was reached.
     */
    const take = async (candidates: number[], later: boolean): Promise<SearchPage | undefined> => {
      for (let i = 0; i < candidates.length;) {
        const chunk = candidates.slice(i, i + Math.max(8, limit - items.length));
        i += chunk.length;
        budget.records -= chunk.length;
        const records = await this.recordsAt(partnerId, chunk, (blockIds) => read(this.records, blockIds));
        for (const [k, seq] of chunk.entries()) {
          const r = records.get(seq);
          if (r && matches(r, filter)) items.push(r);
          if (items.length === limit) {
            const more = k < chunk.length - 1 || i < candidates.length || later;
            return more ? { items, next: seq } : { items };
          }
        }
        // Out of budget: answer with what there is, and where to go on.
        if (budget.records <= 0 && (i < candidates.length || later)) return { items, next: chunk[chunk.length - 1] };
      }
      return undefined;
    };

    // Directories first (small): they tell which pages hold entries of every term, and which
    // terms are so common that reading them would filter nothing. Pieces no longer indexed
    // (see DEFAULT_STOP_PIECES_FROM) are checked on the records alone.
    const stopped = new Set(meta.stopped ?? []);
    const dirDocs = await read(
      this.index,
      terms.filter((t) => !stopped.has(t)).map((t) => ids.directory(partnerId, t)),
    );
    const directories = terms.filter((t) => !stopped.has(t)).map((term) => ({ term, pages: decodeDirectory(dirDocs.get(ids.directory(partnerId, term))?.v) }));
    const customers = meta.next;

    if (directories.length === 0) {
      const top = Math.min(before, customers) - 1;
      for (let hi = top; hi >= 0;) {
        const lo = Math.max(0, hi - 63);
        const page = await take(
          Array.from({ length: hi - lo + 1 }, (_, k) => hi - k),
          lo > 0,
        );
        if (page) return page;
        hi = lo - 1;
      }
      return { items };
    }

    directories.sort((a, b) => entriesListed(a.pages) - entriesListed(b.pages));
    const dense = (d: { pages: Map<number, number> }) => entriesListed(d.pages) >= customers * DENSE_SHARE;
    const used = directories.filter((d, i) => i === 0 || !dense(d));
    // A customer has exactly one status: a common one ("active") is checked by leaving
    // out the customers of every other status, whose lists are short.
    const statusDir = filter.status ? directories.find((d) => d.term === statusTerm(filter.status!)) : undefined;
    // (with a text query the candidates are few: their records, which are read anyway, tell their status)
    const excluded = statusDir && !used.includes(statusDir) && !filter.q ? CUSTOMER_STATUSES.filter((x) => x !== filter.status).map(statusTerm) : [];
    const lastPage = before === Number.POSITIVE_INFINITY ? Number.POSITIVE_INFINITY : pageOf(before - 1);
    const pages = [...directories[0]!.pages.keys()].filter((p) => p <= lastPage && directories.every((d) => d.pages.has(p))).sort((a, b) => b - a);
    for (const [n, page] of pages.entries()) {
      const listed = [...used.map((d) => d.term), ...excluded];
      const docs = await read(
        this.index,
        listed.map((term) => ids.page(partnerId, term, page)),
      );
      const postings = (term: string) => seqsOf(docs.get(ids.page(partnerId, term, page)));
      const lists = used.map(({ term }) => postings(term));
      const others = excluded.map(postings);
      const out = new Set(others.flat());
      const answer = await take(
        intersectDescending(lists).filter((s) => s < before && !out.has(s)),
        n < pages.length - 1,
      );
      if (answer) return answer;
    }
    return { items };
  }

  /**
   * A page of the partner's customers in an order other than newest first (by name,
   * or most recent activity first), matching the filter: the order's directory, then
   * its chunks from the cursor on, each holding whole records. An unfiltered page
   * reads two chunks at once; a filtered one reads more at a time as it goes, up to
   * MAX_RECORDS_PER_REQUEST records, then answers with what it found and a cursor.
   */
  async searchOrdered(partnerId: string, sort: keyof typeof ORDERS, filter: SearchFilter, limit: number, after?: string): Promise<OrderedPage> {
    // Most recent activity among the customers with open requests: their own order (same keys), the rest of the filter checked.
    const { read } = await this.reading(partnerId);
    const directoryOf = async (order: OrderName) =>
      decodeOrderDirectory((await read(this.orders, [ids.orderDirectory(partnerId, order)])).get(ids.orderDirectory(partnerId, order))?.v);
    if (sort === 'lastActivity' && filter.openRequests && !filter.q) {
      const order: OrderName = `a:${openRequestsTerm(filter.openRequests)}`;
      return this.readOrder(partnerId, read, order, await directoryOf(order), { ...filter, openRequests: undefined }, limit, after);
    }
    return this.readOrder(partnerId, read, sort, await directoryOf(sort), filter, limit, after);
  }

  private async readOrder(
    partnerId: string,
    read: Reader,
    order: OrderName,
    dir: OrderDirectory,
    filter: SearchFilter,
    limit: number,
    after?: string,
  ): Promise<OrderedPage> {
    const filtered = Object.values(filter).some((v) => v !== undefined);
    if (filter.q) {
      const chunks = () => dir.chunks.map(([id]) => ids.orderChunk(partnerId, order, id));
      this.warm(partnerId, `order ${order}`, this.orders, chunks, dir.chunks.length * CHUNK_CHARS);
    }
    const items: PartnerCustomer[] = [];
    let seen = 0;
    let width = filtered ? 4 : 2;
    for (let i = after === undefined ? 0 : locateChunk(dir, after); i < dir.chunks.length;) {
      const chunkIds = dir.chunks.slice(i, i + width).map(([id]) => ids.orderChunk(partnerId, order, id));
      const docs = await read(this.orders, chunkIds);
      for (const [k, chunkId] of chunkIds.entries()) {
        const entries = inRange(dir, i + k, JSON.parse(docs.get(chunkId)?.v ?? '[]') as Array<OrderEntry<StoredRecord>>);
        for (const [e, [key, stored]] of entries.entries()) {
          if (after !== undefined && key <= after) continue;
          seen++;
          const r = decodeRecord(partnerId, stored);
          if (matches(r, filter)) items.push(r);
          const last = i + k === dir.chunks.length - 1 && e === entries.length - 1;
          if (items.length === limit || (seen >= MAX_RECORDS_PER_REQUEST && !last)) return last ? { items } : { items, next: key };
        }
      }
      i += width;
      if (filtered) width = Math.min(width * 2, 8);
    }
    return { items };
  }

  /** The records at these sequence numbers (reading each block once). */
  private async recordsAt(
    partnerId: string,
    seqs: number[],
    read = (blockIds: string[]) => this.records.getMany(blockIds),
  ): Promise<Map<number, PartnerCustomer>> {
    const wanted = new Set(seqs);
    const blocks = await read([...new Set(seqs.map(blockOf))].map((b) => ids.block(partnerId, b)));
    const found = new Map<number, PartnerCustomer>();
    for (const doc of blocks.values()) {
      for (const stored of JSON.parse(doc.v) as Array<StoredRecord | null>) {
        if (stored && wanted.has(seqOfStored(stored))) found.set(seqOfStored(stored), decodeRecord(partnerId, stored));
      }
    }
    return found;
  }

  /**
   * Adds or changes customers of one partner and updates the index to match, and
   * merges facts other workflows published (`facts`: each field replaced only by a
   * newer one; each entry and fact moves the customer's last activity on). Facts of
   * a customer not listed yet are held (one document per partner) and merged when
   * its entry comes. Safe to repeat with the same input after a failure (the meta
   * document, which assigns sequence numbers, is written last). One writer per partner.
   * `outdated`: the directory's layout is older than DIRECTORY_VERSION (see upgradeSlice).
   */
  async apply(partnerId: string, inputs: PartnerCustomerInput[], facts: CustomerFactsInput[] = []): Promise<{ written: PartnerCustomer[]; outdated: boolean }> {
    if (inputs.length === 0 && facts.length === 0) return { written: [], outdated: false };
    const metaDoc = await this.index.get(ids.meta(partnerId));
    const meta = metaDoc ? metaOf(metaDoc) : { next: 0, version: DIRECTORY_VERSION };
    this.cache.begin(partnerId, meta.generation);
    try {
      const written = await this.applyBatch(partnerId, meta, inputs, facts, metaDoc === null);
      return { written, outdated: (meta.version ?? 1) < DIRECTORY_VERSION };
    } catch (err) {
      this.cache.forget(partnerId); // part of the batch may be written: read everything again next time
      throw err;
    }
  }

  /**
   * Brings a directory written before DIRECTORY_VERSION up to it, one slice of `size` customers
   * per call (the meta document keeps how far it got): each customer's terms and orders are
   * written again as they are today, so filters and orders added since list it too. Safe to
   * repeat; one writer per partner, like `apply`. Answers how far it got.
   */
  async upgradeSlice(partnerId: string, size = 512): Promise<{ done: boolean; upTo: number; of: number }> {
    const metaDoc = await this.index.get(ids.meta(partnerId));
    const meta = metaOf(metaDoc);
    if (!metaDoc || (meta.version ?? 1) >= DIRECTORY_VERSION) return { done: true, upTo: meta.next, of: meta.next };
    const from = meta.upgradedTo ?? 0;
    const to = Math.min(meta.next, from + size);
    this.cache.begin(partnerId, meta.generation);
    try {
      const records = await this.recordsAt(
        partnerId,
        Array.from({ length: to - from }, (_, k) => from + k),
        (blockIds) => this.cache.getMany(partnerId, this.records, blockIds),
      );
      const after: Meta = to >= meta.next ? { ...meta, version: DIRECTORY_VERSION, upgradedTo: undefined } : { ...meta, upgradedTo: to };
      await this.applyBatch(partnerId, after, [], [], false, [...records.values()], meta);
    } catch (err) {
      this.cache.forget(partnerId);
      throw err;
    }
    return { done: to >= meta.next, upTo: to, of: meta.next };
  }

  /**
   * `reindexed`: records written again whole, every term and order entry of theirs as if new (see
   * upgradeSlice). `metaAsStored`: the meta document as the batch found it (`meta` is what it writes).
   */
  private async applyBatch(
    partnerId: string,
    meta: Meta,
    inputs: PartnerCustomerInput[],
    facts: CustomerFactsInput[],
    firstBatch: boolean,
    reindexed: PartnerCustomer[] = [],
    metaAsStored: Meta = { ...meta },
  ): Promise<PartnerCustomer[]> {
    const read = (collection: ShardedCollection<IndexDoc>, docIds: Iterable<string>) => this.cache.getMany(partnerId, collection, docIds);
    const vocabularyId = ids.vocabulary(partnerId);
    const pendingId = ids.pendingFacts(partnerId);
    const changeLogId = ids.changeLog(partnerId);
    const customerIds = new Set([...inputs.map((i) => i.customerId), ...facts.map((f) => f.customerId)]);
    const [seqDocs, indexDocs] = await Promise.all([
      read(
        this.seqs,
        [...customerIds].map((c) => ids.seqOf(partnerId, c)),
      ),
      read(this.index, [vocabularyId, pendingId, changeLogId]),
    ]);
    const existing = new Map<string, PartnerCustomer>();
    const records = await this.recordsAt(
      partnerId,
      [...seqDocs.values()].map((d) => Number(d.v)),
      (blockIds) => read(this.records, blockIds),
    );
    for (const r of [...records.values(), ...reindexed]) existing.set(r.customerId, r);
    const pendingDoc = indexDocs.get(pendingId);
    const pending = new Map(Object.entries(pendingDoc ? (JSON.parse(pendingDoc.v) as Record<string, HeldFacts>) : {}));
    let pendingChanged = false;

    const written = new Map<string, PartnerCustomer>(reindexed.map((r) => [r.customerId, r])); // by customer id
    const reindexedIds = new Set(written.keys());
    const current = (customerId: string) => written.get(customerId) ?? existing.get(customerId);
    const newSeqs = new Map<number, string>();
    for (const input of inputs) {
      const before = current(input.customerId);
      if (before && before.updatedAt.getTime() > input.at.getTime()) continue; // a late, older change
      const { at, ...fields } = input;
      if (before) {
        written.set(input.customerId, { ...before, ...fields, updatedAt: at, lastActivityAt: at > before.lastActivityAt ? at : before.lastActivityAt });
        continue;
      }
      const seq = meta.next++;
      let record: PartnerCustomer = { ...fields, _id: `${partnerId}|${seq.toString(36)}`, partnerId, seq, createdAt: at, updatedAt: at, lastActivityAt: at };
      const held = pending.get(input.customerId);
      if (held) {
        record = withFacts(record, held);
        pending.delete(input.customerId);
        pendingChanged = true;
      }
      newSeqs.set(seq, input.customerId);
      written.set(input.customerId, record);
    }
    for (const fact of facts) {
      const before = current(fact.customerId);
      if (before) written.set(fact.customerId, withFacts(before, heldFactsOf(fact)));
      else {
        // Not listed yet (its onboarding's first entry is on its way): held until it is.
        pending.set(fact.customerId, combineFacts(pending.get(fact.customerId), heldFactsOf(fact)));
        pendingChanged = true;
      }
    }

    const adds = new Map<string, Map<number, number[]>>(); // term → page → seqs
    const removes = new Map<string, Map<number, number[]>>();
    const note = (into: typeof adds, term: string, seq: number) => {
      const pages = into.get(term) ?? new Map<number, number[]>();
      const list = pages.get(pageOf(seq)) ?? [];
      list.push(seq);
      pages.set(pageOf(seq), list);
      into.set(term, pages);
    };
    // Each customer's terms before the batch against after it (it may change more than once within);
    // pieces no longer indexed are left out.
    const stopped = new Set(meta.stopped ?? []);
    for (const [customerId, record] of written) {
      const before = reindexedIds.has(customerId) ? undefined : existing.get(customerId);
      const oldTerms = before ? termsOf(before) : new Set<string>();
      const newTerms = termsOf(record);
      for (const t of newTerms) if (!oldTerms.has(t) && !stopped.has(t)) note(adds, t, record.seq);
      for (const t of oldTerms) if (!newTerms.has(t) && !stopped.has(t)) note(removes, t, record.seq);
    }

    const touched = new Set([...adds.keys(), ...removes.keys()]);
    const pageKeys = [...touched].flatMap((t) => [...new Set([...(adds.get(t)?.keys() ?? []), ...(removes.get(t)?.keys() ?? [])])].map((p) => [t, p] as const));
    // A term the partner never had has neither pages nor a directory: nothing to read (most of
    // a new customer's pieces of name and domain, at first). Unknown for directories from before
    // the vocabulary existed, whose pages are all read.
    const vocabularyDoc = indexDocs.get(vocabularyId);
    const vocabulary = vocabularyDoc ? decodeVocabulary(vocabularyDoc) : firstBatch ? new Set<string>() : undefined;
    const listed = (term: string) => vocabulary === undefined || vocabulary.has(term);
    const pages = await read(
      this.index,
      pageKeys.filter(([t]) => listed(t)).map(([t, p]) => ids.page(partnerId, t, p)),
    );
    const lists = pageKeys.map(([term, page]) => {
      const stored = pages.get(ids.page(partnerId, term, page));
      const list = applyToSorted(decodeSeqs(stored?.v), adds.get(term)?.get(page) ?? [], removes.get(term)?.get(page) ?? []);
      return { term, page, stored, list, stale: directoryCountStale(stored?.d, list.length) };
    });
    // Only the directories whose counts moved enough (or whose pages come or go) are read and rewritten.
    const dirs = await read(
      this.index,
      lists.filter((l) => l.stale && listed(l.term)).map((l) => ids.directory(partnerId, l.term)),
    );

    const docs: IndexDoc[] = [];
    const fresh: IndexDoc[] = [];
    const deletions: string[] = [];
    const put = (doc: IndexDoc, existed: boolean) => (existed ? docs : fresh).push(doc);
    const directories = new Map<string, Map<number, number>>();
    for (const { term, page, stored, list, stale } of lists) {
      const pageId = ids.page(partnerId, term, page);
      if (list.length > 0) put({ _id: pageId, v: encodeSeqs(list), d: stale ? list.length : stored!.d! }, !!stored);
      else if (stored) deletions.push(pageId);
      if (!stale) continue;
      const dir = directories.get(term) ?? decodeDirectory(dirs.get(ids.directory(partnerId, term))?.v);
      if (list.length > 0) dir.set(page, list.length);
      else dir.delete(page);
      directories.set(term, dir);
    }
    // A piece most customers have stops being indexed (DEFAULT_STOP_PIECES_FROM): its pages and directory go.
    const stopping = [...directories].filter(
      ([term, dir]) => term.startsWith(textTerm('')) && meta.next >= this.stopPiecesFrom && entriesListed(dir) > meta.next * DENSE_SHARE,
    );
    for (const [term, dir] of stopping) {
      const gone = new Set(
        [...dir.keys(), ...lists.filter((l) => l.term === term && l.stored).map((l) => l.page)].map((page) => ids.page(partnerId, term, page)),
      );
      for (const list of [docs, fresh]) list.splice(0, list.length, ...list.filter((d) => !gone.has(d._id)));
      deletions.push(...gone);
      if (dirs.has(ids.directory(partnerId, term))) deletions.push(ids.directory(partnerId, term));
      directories.delete(term);
      stopped.add(term);
    }
    for (const [term, dir] of directories) {
      const dirId = ids.directory(partnerId, term);
      if (dir.size > 0) put({ _id: dirId, v: encodeDirectory(dir) }, dirs.has(dirId));
      else if (dirs.has(dirId)) deletions.push(dirId);
    }
    // Pieces a failed batch stopped, whose pages it may not have deleted: every page they can have goes.
    const unfinished = metaAsStored.stopping ?? [];
    for (const term of unfinished) {
      for (let page = 0; page <= pageOf(Math.max(0, meta.next - 1)); page++) deletions.push(ids.page(partnerId, term, page));
      deletions.push(ids.directory(partnerId, term));
    }
    meta.stopped = stopped.size > 0 ? [...stopped] : undefined;
    meta.stopping = undefined;
    const newTerms = [...adds.keys()].filter((t) => vocabulary && !vocabulary.has(t));
    const vocabularyWritten = vocabulary && newTerms.length > 0 ? [{ _id: vocabularyId, v: JSON.stringify([...vocabulary, ...newTerms]) }] : [];
    const orders = await this.planOrders(partnerId, existing, written);
    const pendingWritten = pendingChanged ? [{ _id: pendingId, v: JSON.stringify(Object.fromEntries(pending)) }] : [];
    const seqs = [...newSeqs].map(([seq, customerId]) => ({ _id: ids.seqOf(partnerId, customerId), v: String(seq) }));
    const blockIds = [...new Set([...written.values()].map((r) => blockOf(r.seq)))].map((b) => ids.block(partnerId, b));
    const blocks = await read(this.records, blockIds);
    const slots = new Map(
      blockIds.map((id) => [
        id,
        blocks.has(id) ? (JSON.parse(blocks.get(id)!.v) as Array<StoredRecord | null>) : new Array<StoredRecord | null>(BLOCK).fill(null),
      ]),
    );
    for (const r of written.values()) slots.get(ids.block(partnerId, blockOf(r.seq)))![r.seq % BLOCK] = encodeRecord(r);
    const blockDocs = [...slots].map(([id, list]) => ({ _id: id, v: JSON.stringify(list) }));
    const changes = [
      { collection: this.index, written: [...vocabularyWritten, ...docs, ...fresh, ...pendingWritten], deleted: deletions },
      { collection: this.orders, written: orders.flatMap((o) => [...o.before, ...o.directory, ...o.after]), deleted: orders.flatMap((o) => o.deleted) },
      { collection: this.seqs, written: seqs },
      { collection: this.records, written: blockDocs },
    ];

    // The change log first: a reader's cache must learn of every document this batch may write,
    // even if it fails half-way (a repeat of the batch adds to its entry, never replaces it).
    const generation = randomUUID();
    const change = (meta.change ?? 0) + 1;
    const changeLogDoc = {
      _id: changeLogId,
      v: JSON.stringify(
        withBatch(
          changeLogOf(indexDocs.get(changeLogId) ?? null),
          change,
          generation,
          changes.flatMap(({ collection, written, deleted = [] }) => [...written.map((d) => d._id), ...deleted].map((id) => changedId(collection, id))),
        ),
      ),
    };
    await this.index.write([changeLogDoc]);
    // Searches leave a stopped piece out from the moment the meta says so, before its pages go (the
    // rest of the meta is the batch's own, written last as ever).
    if (stopping.length > 0) {
      const early: Meta = { ...metaAsStored, stopped: meta.stopped, stopping: [...new Set([...unfinished, ...stopping.map(([term]) => term)])] };
      await this.index.write([{ _id: ids.meta(partnerId), v: JSON.stringify(early) }]);
    }
    // Before the pages it names: it must never lack a term that has one (it may hold terms that have none).
    await this.index.write(vocabularyWritten);
    await this.index.write(docs, deletions, fresh);
    // Each order as orders.ts says: the chunks moved out first, then its directory, then the rest.
    await mapLimit(orders, 4, async (o) => {
      await this.orders.write(o.before);
      await this.orders.write(o.directory);
      await this.orders.write(o.after, o.deleted);
    });
    await this.index.write(pendingWritten);
    await this.seqs.write([], [], seqs);
    await this.records.write(
      blockDocs.filter((d) => blocks.has(d._id)),
      [],
      blockDocs.filter((d) => !blocks.has(d._id)),
    );
    // Written last: it assigns the sequence numbers, and names the batch that wrote last.
    const metaDoc = { _id: ids.meta(partnerId), v: JSON.stringify({ ...meta, generation, change } satisfies Meta) };
    await this.index.write([metaDoc]);
    this.cache.commit(partnerId, generation, [{ ...changes[0]!, written: [...changes[0]!.written, changeLogDoc, metaDoc] }, ...changes.slice(1)]);
    return [...written.values()];
  }

  /** How each order moves the changed customers: the documents to write, in the order orders.ts gives. */
  private async planOrders(
    partnerId: string,
    existing: Map<string, PartnerCustomer>,
    written: Map<string, PartnerCustomer>,
  ): Promise<Array<{ before: IndexDoc[]; directory: IndexDoc[]; after: IndexDoc[]; deleted: string[] }>> {
    const read = (docIds: Iterable<string>) => this.cache.getMany(partnerId, this.orders, docIds);
    const changes = new Map<OrderName, { removes: string[]; adds: Array<OrderEntry<StoredRecord>> }>();
    const change = (order: OrderName) => {
      let c = changes.get(order);
      if (!c) changes.set(order, (c = { removes: [], adds: [] }));
      return c;
    };
    for (const [customerId, r] of written) {
      const before = existing.get(customerId);
      const stored = encodeRecord(r);
      for (const order of ORDER_NAMES) {
        if (before) change(order).removes.push(ORDERS[order](before));
        change(order).adds.push([ORDERS[order](r), stored]);
      }
      for (const t of before ? facetsOf(before) : []) change(`n:${t}`).removes.push(newestKey(before!));
      for (const t of facetsOf(r)) change(`n:${t}`).adds.push([newestKey(r), stored]);
      for (const t of before ? activityFacetsOf(before) : []) change(`a:${t}`).removes.push(ORDERS.lastActivity(before!));
      for (const t of activityFacetsOf(r)) change(`a:${t}`).adds.push([ORDERS.lastActivity(r), stored]);
    }
    return mapLimit([...changes], 4, async ([order, { removes, adds }]) => {
      const dirId = ids.orderDirectory(partnerId, order);
      const dir = decodeOrderDirectory((await read([dirId])).get(dirId)?.v);
      const chunkId = (id: string) => ids.orderChunk(partnerId, order, id);
      const plan = await planOrder<StoredRecord>(dir, removes, adds, async (chunkIds) => {
        const docs = await read(chunkIds.map(chunkId));
        return new Map(
          chunkIds.flatMap((id) => (docs.has(chunkId(id)) ? [[id, JSON.parse(docs.get(chunkId(id))!.v) as Array<OrderEntry<StoredRecord>>]] : [])),
        );
      });
      const toDocs = (chunks: Map<string, Array<OrderEntry<StoredRecord>>>) =>
        [...chunks].map(([id, entries]) => ({ _id: chunkId(id), v: JSON.stringify(entries) }));
      return {
        before: toDocs(plan.before),
        directory: plan.directoryChanged ? [{ _id: dirId, v: encodeOrderDirectory(plan.directory) }] : [],
        after: toDocs(plan.after),
        deleted: plan.deleted.map(chunkId),
      };
    });
  }
}

/** At most `n` items, evenly spread over `xs` (first and last included). */
function spread<T>(xs: T[], n: number): T[] {
  if (xs.length <= n) return xs;
  return Array.from({ length: n }, (_, i) => xs[Math.round((i * (xs.length - 1)) / (n - 1))]!);
}

/** Reads documents of one partner's directory by id. */
type Reader = (collection: ShardedCollection<IndexDoc>, docIds: Iterable<string>) => Promise<Map<string, IndexDoc>>;

const changeLogOf = (doc: IndexDoc | null): ChangeLog => (doc?.v ? (JSON.parse(doc.v) as ChangeLog) : []);

/** A partner's directory state: the next sequence number, which batch wrote last, and its layout's version. */
interface Meta {
  next: number;
  generation?: string;
  /**
   * 2: facet terms (stage, delegated admin, open requests) and the name, last-activity and facet
   * orders (absent: 1, before them); 3: last-activity orders of the customers with open requests.
   */
  version?: number;
  /** While upgrading to `version`: customers below this sequence number are done. */
  upgradedTo?: number;
  /** Pieces of names and domains no longer indexed (see DEFAULT_STOP_PIECES_FROM). */
  stopped?: string[];
  /** Pieces being stopped, whose pages may remain: written before they are deleted, cleared by the batch's meta. */
  stopping?: string[];
  /** Batches written (absent: none since change numbers; see ReadCache). */
  change?: number;
}

/** A posting page's entries, decoded once per document (the read cache hands out the same one until it changes). */
const decodedPages = new WeakMap<IndexDoc, number[]>();
function seqsOf(doc: IndexDoc | undefined): number[] {
  if (!doc) return [];
  let seqs = decodedPages.get(doc);
  if (!seqs) decodedPages.set(doc, (seqs = decodeSeqs(doc.v)));
  return seqs;
}

/** Every term a partner's index has ever had (decoded once per document: the writer's copy is reused). */
const vocabularies = new WeakMap<IndexDoc, Set<string>>();
function decodeVocabulary(doc: IndexDoc): Set<string> {
  let terms = vocabularies.get(doc);
  if (!terms) vocabularies.set(doc, (terms = new Set(JSON.parse(doc.v) as string[])));
  return terms;
}

function metaOf(doc: IndexDoc | null): Meta {
  return doc?.v ? (JSON.parse(doc.v) as Meta) : { next: 0 };
}
