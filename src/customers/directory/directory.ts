import type { Connection } from 'mongoose';
import { ShardedCollection } from '../../db/sharded';
import type { IndexDoc, PartnerCustomer } from './model';
import { applyToSorted, decodeDirectory, decodeSeqs, encodeDirectory, encodeSeqs, intersectDescending, PAGE_SPAN, pageOf } from './postings';
import { matches, normalize, queryGrams, skuTerm, statusTerm, termsOf, textTerm } from './terms';

/** Most customer records a search request reads before answering with what it has (and a cursor). */
const MAX_RECORDS_PER_REQUEST = 1500;
/** Query pieces looked up at most (spread over the query); the full match is checked on each record anyway. */
const MAX_QUERY_GRAMS = 6;
/** A posting page fuller than this share of its span filters too little to be worth intersecting. */
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

const ids = {
  record: (p: string, seq: number) => `${p}|${seq.toString(36)}`,
  seqOf: (p: string, customerId: string) => `x|${p}|${customerId}`,
  meta: (p: string) => `m|${p}`,
  directory: (p: string, term: string) => `t|${p}|${term}`,
  page: (p: string, term: string, page: number) => `p|${p}|${term}|${page.toString(36)}`,
};

/**
 * Each partner's customers, listed newest first and searchable by any part of
 * name or domain, by status and by SKU, with cursor pagination that stays fast
 * at 100,000 customers on FerretDB (which scans tables for every query): every
 * read is by `_id` in small collections, through an inverted index of 2/3-grams.
 *
 * `apply` must have one writer per partner at a time (it reads, then writes
 * index pages): the customer directory workflow, or a seeding script.
 */
export class CustomerDirectory {
  /** Records are stored as JSON text: FerretDB reads one string field at a fraction of the cost of a dozen. */
  readonly records: ShardedCollection<IndexDoc>;
  readonly index: ShardedCollection<IndexDoc>;
  /** customer id → sequence number, apart so the index collections stay small. */
  readonly seqs: ShardedCollection<IndexDoc>;

  constructor(connection: Connection) {
    this.records = new ShardedCollection(connection, 'partner_customers');
    this.index = new ShardedCollection(connection, 'customer_index');
    this.seqs = new ShardedCollection(connection, 'customer_seqs');
  }

  async get(partnerId: string, customerId: string): Promise<PartnerCustomer | null> {
    const seq = await this.seqs.get(ids.seqOf(partnerId, customerId));
    return seq ? decodeRecord(await this.records.get(ids.record(partnerId, Number(seq.v)))) : null;
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
    // Collects verified matches from candidates (descending); true when the page is full.
    const take = async (candidates: number[]): Promise<{ full: boolean; last?: number }> => {
      for (let i = 0; i < candidates.length; ) {
        const chunk = candidates.slice(i, i + Math.max(8, limit + 1 - items.length));
        i += chunk.length;
        budget.records -= chunk.length;
        const records = await this.records.getMany(chunk.map((seq) => ids.record(partnerId, seq)));
        for (const seq of chunk) {
          const r = decodeRecord(records.get(ids.record(partnerId, seq)));
          if (r && matches(r, filter)) items.push(r);
          if (items.length > limit) return { full: true };
        }
        if (budget.records <= 0) return { full: true, last: chunk[chunk.length - 1] };
      }
      return { full: false };
    };
    const finish = (stop: { full: boolean; last?: number }): SearchPage => {
      if (items.length > limit) return { items: items.slice(0, limit), next: items[limit - 1]!.seq };
      return stop.full && stop.last !== undefined ? { items, next: stop.last } : { items };
    };

    if (terms.length === 0) {
      const top = Math.min(before, await this.count(partnerId)) - 1;
      for (let hi = top; hi >= 0; ) {
        const lo = Math.max(0, hi - 63);
        const seqs = Array.from({ length: hi - lo + 1 }, (_, k) => hi - k);
        const stop = await take(seqs);
        if (stop.full) return finish(stop);
        hi = lo - 1;
      }
      return finish({ full: false });
    }

    // Most first pages are answered from the newest page of postings alone; the
    // terms' directories (which pages hold entries) are read only to skip ahead.
    const top = Math.min(before, await this.count(partnerId)) - 1;
    let directories: Array<Map<number, number>> | undefined;
    for (let page = top >= 0 ? pageOf(top) : -1; page >= 0; ) {
      const lists = await Promise.all(terms.map(async (t) => decodeSeqs((await this.index.get(ids.page(partnerId, t, page)))?.v)));
      if (lists.every((l) => l.length > 0)) {
        const sorted = lists.sort((a, b) => a.length - b.length);
        const useful = sorted.filter((l, i) => i === 0 || l.length < PAGE_SPAN * DENSE_SHARE);
        const stop = await take(intersectDescending(useful).filter((s) => s < before));
        if (stop.full) return finish(stop);
      }
      directories ??= await Promise.all(terms.map(async (t) => decodeDirectory((await this.index.get(ids.directory(partnerId, t)))?.v)));
      const current = page;
      const earlier = [...directories[0]!.keys()].filter((p) => p < current && directories!.every((d) => d.has(p)));
      page = earlier.length > 0 ? Math.max(...earlier) : -1;
    }
    return finish({ full: false });
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
    const seqDocs = await this.seqs.getMany(inputs.map((i) => ids.seqOf(partnerId, i.customerId)));
    const existing = new Map<string, PartnerCustomer>();
    const known = await this.records.getMany([...seqDocs.values()].map((d) => ids.record(partnerId, Number(d.v))));
    for (const doc of known.values()) {
      const r = decodeRecord(doc)!;
      existing.set(r.customerId, r);
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

    const written = new Map<string, PartnerCustomer>(); // by customer id
    const newSeqs = new Map<number, string>();
    for (const input of inputs) {
      const before = written.get(input.customerId) ?? existing.get(input.customerId);
      const { at, ...fields } = input;
      const seq = before?.seq ?? meta.next++;
      const record: PartnerCustomer = {
        ...fields,
        _id: ids.record(partnerId, seq),
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
    const [dirs, pages] = await Promise.all([
      this.index.getMany([...touched].map((t) => ids.directory(partnerId, t))),
      this.index.getMany(pageKeys.map(([t, p]) => ids.page(partnerId, t, p))),
    ]);

    const docs: IndexDoc[] = [];
    const fresh: IndexDoc[] = [];
    const deletions: string[] = [];
    const put = (doc: IndexDoc, existed: boolean) => (existed ? docs : fresh).push(doc);
    const directories = new Map<string, Map<number, number>>();
    for (const [term, page] of pageKeys) {
      const pageId = ids.page(partnerId, term, page);
      const list = applyToSorted(decodeSeqs(pages.get(pageId)?.v), adds.get(term)?.get(page) ?? [], removes.get(term)?.get(page) ?? []);
      if (list.length > 0) put({ _id: pageId, v: encodeSeqs(list) }, pages.has(pageId));
      else if (pages.has(pageId)) deletions.push(pageId);
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

    await this.index.write(docs, deletions, fresh);
    await this.seqs.write([], [], [...newSeqs].map(([seq, customerId]) => ({ _id: ids.seqOf(partnerId, customerId), v: String(seq) })));
    const records = [...written.values()];
    await this.records.write(
      records.filter((r) => !newSeqs.has(r.seq)).map(encodeRecord),
      [],
      records.filter((r) => newSeqs.has(r.seq)).map(encodeRecord),
    );
    await this.index.write([{ _id: ids.meta(partnerId), v: JSON.stringify(meta) }]);
    return [...written.values()];
  }
}

/** At most `n` items, evenly spread over `xs` (first and last included). */
function spread<T>(xs: T[], n: number): T[] {
  if (xs.length <= n) return xs;
  return Array.from({ length: n }, (_, i) => xs[Math.round((i * (xs.length - 1)) / (n - 1))]!);
}

function encodeRecord(r: PartnerCustomer): IndexDoc {
  const { _id, ...rest } = r;
  return { _id, v: JSON.stringify(rest) };
}

function decodeRecord(doc: IndexDoc | null | undefined): PartnerCustomer | null {
  if (!doc) return null;
  const r = JSON.parse(doc.v) as Omit<PartnerCustomer, '_id'> & { createdAt: string; updatedAt: string };
  return { ...r, _id: doc._id, createdAt: new Date(r.createdAt), updatedAt: new Date(r.updatedAt) };
}

function metaOf(doc: IndexDoc | null): { next: number } {
  return doc?.v ? (JSON.parse(doc.v) as { next: number }) : { next: 0 };
}
