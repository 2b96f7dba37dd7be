import { randomUUID } from 'node:crypto';
import type { Connection } from 'mongoose';
import { ShardedCollection } from '../../db/sharded';
import { CUSTOMER_STATUSES, type IndexDoc, type PartnerCustomer } from './model';
import { applyToSorted, decodeDirectory, decodeSeqs, directoryCountStale, encodeDirectory, encodeSeqs, intersectDescending, pageOf } from './postings';
import { matches, normalize, queryGrams, skuTerm, statusTerm, termsOf, textTerm } from './terms';
import { WriterCache } from './writer-cache';

/** Customers of neighbouring sequence numbers are stored together, this many to a document. */
const BLOCK = 32;
/** Most customer records a search request reads before answering with what it has (and a cursor). */
const MAX_RECORDS_PER_REQUEST = 1500;
/** Query pieces looked up at most (spread over the query); the full match is checked on each record anyway. */
const MAX_QUERY_GRAMS = 4;
/** A term listing more than this share of the partner's customers filters too little to be worth reading. */
const DENSE_SHARE = 0.5;

export type PartnerCustomerInput = Omit<PartnerCustomer, '_id' | 'seq' | 'createdAt' | 'updatedAt'> & { at: Date };

export interface SearchFilter {
  q?: string;
  status?: string;
  sku?: string;
}

export interface SearchPage {
  items: PartnerCustomer[];
  /** Sequence number to continue below, when there may be more. */
  next?: number;
}

const blockOf = (seq: number) => Math.floor(seq / BLOCK);

const ids = {
  block: (p: string, block: number) => `${p}|${block.toString(36)}`,
  seqOf: (p: string, customerId: string) => `x|${p}|${customerId}`,
  meta: (p: string) => `m|${p}`,
  vocabulary: (p: string) => `v|${p}`,
  directory: (p: string, term: string) => `t|${p}|${term}`,
  page: (p: string, term: string, page: number) => `p|${p}|${term}|${page.toString(36)}`,
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
  /** The writer's own copy of what it wrote last (see WriterCache); searches always read the database. */
  private readonly cache = new WriterCache();

  constructor(connection: Connection) {
    this.records = new ShardedCollection(connection, 'partner_customers');
    this.index = new ShardedCollection(connection, 'customer_index');
    this.seqs = new ShardedCollection(connection, 'customer_seqs');
  }

  async get(partnerId: string, customerId: string): Promise<PartnerCustomer | null> {
    const seq = await this.seqs.get(ids.seqOf(partnerId, customerId));
    if (!seq) return null;
    return (await this.recordsAt(partnerId, [Number(seq.v)])).get(Number(seq.v)) ?? null;
  }

  async count(partnerId: string): Promise<number> {
    return metaOf(await this.index.get(ids.meta(partnerId))).next;
  }

  async search(partnerId: string, filter: SearchFilter, limit: number, before = Number.POSITIVE_INFINITY): Promise<SearchPage> {
    const terms = [
      ...(filter.q ? spread(queryGrams(normalize(filter.q)), MAX_QUERY_GRAMS).map(textTerm) : []),
      ...(filter.status ? [statusTerm(filter.status)] : []),
      ...(filter.sku ? [skuTerm(filter.sku)] : []),
    ];
    const budget = { records: MAX_RECORDS_PER_REQUEST };
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
        const records = await this.recordsAt(partnerId, chunk);
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

    if (terms.length === 0) {
      const top = Math.min(before, await this.count(partnerId)) - 1;
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

    // Directories first (small): they tell which pages hold entries of every term, and which
    // terms are so common (the ".onmicrosoft.com" pieces) that reading them would filter nothing.
    const total = (d: Map<number, number>) => [...d.values()].reduce((a, b) => a + b, 0);
    const [customers, directories] = await Promise.all([
      this.count(partnerId),
      Promise.all(terms.map(async (term) => ({ term, pages: decodeDirectory((await this.index.get(ids.directory(partnerId, term)))?.v) }))),
    ]);
    directories.sort((a, b) => total(a.pages) - total(b.pages));
    const dense = (d: { pages: Map<number, number> }) => total(d.pages) >= customers * DENSE_SHARE;
    const used = directories.filter((d, i) => i === 0 || !dense(d));
    // A customer has exactly one status: a common one ("active") is checked by leaving
    // out the customers of every other status, whose lists are short.
    const statusDir = filter.status ? directories.find((d) => d.term === statusTerm(filter.status!)) : undefined;
    const excluded = statusDir && !used.includes(statusDir) ? CUSTOMER_STATUSES.filter((x) => x !== filter.status).map(statusTerm) : [];
    const lastPage = before === Number.POSITIVE_INFINITY ? Number.POSITIVE_INFINITY : pageOf(before - 1);
    const pages = [...directories[0]!.pages.keys()].filter((p) => p <= lastPage && directories.every((d) => d.pages.has(p))).sort((a, b) => b - a);
    const postings = (term: string, page: number) => this.index.get(ids.page(partnerId, term, page)).then((d) => decodeSeqs(d?.v));
    for (const [n, page] of pages.entries()) {
      const [lists, others] = await Promise.all([
        Promise.all(used.map(({ term }) => postings(term, page))),
        Promise.all(excluded.map((term) => postings(term, page))),
      ]);
      const out = new Set(others.flat());
      const answer = await take(
        intersectDescending(lists).filter((s) => s < before && !out.has(s)),
        n < pages.length - 1,
      );
      if (answer) return answer;
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
        if (stored && wanted.has(stored.seq)) found.set(stored.seq, decodeRecord(partnerId, stored));
      }
    }
    return found;
  }

  /**
   * Adds or changes customers of one partner and updates the index to match.
   * Safe to repeat with the same input after a failure (the meta document, which
   * assigns sequence numbers, is written last). One writer per partner.
   */
  async apply(partnerId: string, inputs: PartnerCustomerInput[]): Promise<PartnerCustomer[]> {
    if (inputs.length === 0) return [];
    const metaDoc = await this.index.get(ids.meta(partnerId));
    const meta = metaOf(metaDoc);
    this.cache.begin(partnerId, meta.generation);
    try {
      return await this.applyBatch(partnerId, meta, inputs, metaDoc === null);
    } catch (err) {
      this.cache.forget(partnerId); // part of the batch may be written: read everything again next time
      throw err;
    }
  }

  private async applyBatch(partnerId: string, meta: Meta, inputs: PartnerCustomerInput[], firstBatch: boolean): Promise<PartnerCustomer[]> {
    const read = (collection: ShardedCollection<IndexDoc>, docIds: Iterable<string>) => this.cache.getMany(partnerId, collection, docIds);
    const vocabularyId = ids.vocabulary(partnerId);
    const [seqDocs, vocabularyDocs] = await Promise.all([
      read(
        this.seqs,
        inputs.map((i) => ids.seqOf(partnerId, i.customerId)),
      ),
      read(this.index, [vocabularyId]),
    ]);
    const existing = new Map<string, PartnerCustomer>();
    const records = await this.recordsAt(
      partnerId,
      [...seqDocs.values()].map((d) => Number(d.v)),
      (blockIds) => read(this.records, blockIds),
    );
    for (const r of records.values()) existing.set(r.customerId, r);
    const adds = new Map<string, Map<number, number[]>>(); // term → page → seqs
    const removes = new Map<string, Map<number, number[]>>();
    const note = (into: typeof adds, term: string, seq: number) => {
      const pages = into.get(term) ?? new Map<number, number[]>();
      const list = pages.get(pageOf(seq)) ?? [];
      list.push(seq);
      pages.set(pageOf(seq), list);
      into.set(term, pages);
    };

    const written = new Map<string, PartnerCustomer>(); // by customer id
    const newSeqs = new Map<number, string>();
    for (const input of inputs) {
      const before = written.get(input.customerId) ?? existing.get(input.customerId);
      if (before && before.updatedAt.getTime() > input.at.getTime()) continue; // a late, older change
      const { at, ...fields } = input;
      const seq = before?.seq ?? meta.next++;
      const record: PartnerCustomer = {
        ...fields,
        _id: `${partnerId}|${seq.toString(36)}`,
        partnerId,
        seq,
        createdAt: before?.createdAt ?? at,
        updatedAt: at,
      };
      if (!before) newSeqs.set(seq, input.customerId);
      const oldTerms = before ? termsOf(before) : new Set<string>();
      const newTerms = termsOf(record);
      for (const t of newTerms) if (!oldTerms.has(t)) note(adds, t, record.seq);
      for (const t of oldTerms) if (!newTerms.has(t)) note(removes, t, record.seq);
      written.set(input.customerId, record);
    }

    const touched = new Set([...adds.keys(), ...removes.keys()]);
    const pageKeys = [...touched].flatMap((t) => [...new Set([...(adds.get(t)?.keys() ?? []), ...(removes.get(t)?.keys() ?? [])])].map((p) => [t, p] as const));
    // A term the partner never had has neither pages nor a directory: nothing to read (most of
    // a new customer's pieces of name and domain, at first). Unknown for directories from before
    // the vocabulary existed, whose pages are all read.
    const vocabularyDoc = vocabularyDocs.get(vocabularyId);
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
    for (const [term, dir] of directories) {
      const dirId = ids.directory(partnerId, term);
      if (dir.size > 0) put({ _id: dirId, v: encodeDirectory(dir) }, dirs.has(dirId));
      else if (dirs.has(dirId)) deletions.push(dirId);
    }

    const newTerms = [...adds.keys()].filter((t) => vocabulary && !vocabulary.has(t));
    const vocabularyWritten = vocabulary && newTerms.length > 0 ? [{ _id: vocabularyId, v: JSON.stringify([...vocabulary, ...newTerms]) }] : [];
    // Before the pages it names: it must never lack a term that has one (it may hold terms that have none).
    await this.index.write(vocabularyWritten);
    await this.index.write(docs, deletions, fresh);
    const seqs = [...newSeqs].map(([seq, customerId]) => ({ _id: ids.seqOf(partnerId, customerId), v: String(seq) }));
    await this.seqs.write([], [], seqs);
    const blockIds = [...new Set([...written.values()].map((r) => blockOf(r.seq)))].map((b) => ids.block(partnerId, b));
    const blocks = await read(this.records, blockIds);
    const slots = new Map(
      blockIds.map((id) => [
        id,
        blocks.has(id) ? (JSON.parse(blocks.get(id)!.v) as Array<StoredRecord | null>) : new Array<StoredRecord | null>(BLOCK).fill(null),
      ]),
    );
    for (const r of written.values()) {
      const { _id, ...stored } = r;
      slots.get(ids.block(partnerId, blockOf(r.seq)))![r.seq % BLOCK] = stored as unknown as StoredRecord;
    }
    const blockDocs = [...slots].map(([id, list]) => ({ _id: id, v: JSON.stringify(list) }));
    await this.records.write(
      blockDocs.filter((d) => blocks.has(d._id)),
      [],
      blockDocs.filter((d) => !blocks.has(d._id)),
    );
    // Written last: it assigns the sequence numbers, and names the batch that wrote last.
    const generation = randomUUID();
    const metaDoc = { _id: ids.meta(partnerId), v: JSON.stringify({ next: meta.next, generation } satisfies Meta) };
    await this.index.write([metaDoc]);
    this.cache.commit(partnerId, generation, [
      { collection: this.index, written: [...vocabularyWritten, ...docs, ...fresh, metaDoc], deleted: deletions },
      { collection: this.seqs, written: seqs },
      { collection: this.records, written: blockDocs },
    ]);
    return [...written.values()];
  }
}

/** At most `n` items, evenly spread over `xs` (first and last included). */
function spread<T>(xs: T[], n: number): T[] {
  if (xs.length <= n) return xs;
  return Array.from({ length: n }, (_, i) => xs[Math.round((i * (xs.length - 1)) / (n - 1))]!);
}

type StoredRecord = Omit<PartnerCustomer, '_id' | 'createdAt' | 'updatedAt'> & { createdAt: string; updatedAt: string };

function decodeRecord(partnerId: string, r: StoredRecord): PartnerCustomer {
  return { ...r, _id: `${partnerId}|${r.seq.toString(36)}`, createdAt: new Date(r.createdAt), updatedAt: new Date(r.updatedAt) };
}

/** A partner's directory state: the next sequence number, and which batch wrote last. */
interface Meta {
  next: number;
  generation?: string;
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
