import type { CustomerStatus, DelegatedAdminState, PartnerCustomer } from './model';

/**
 * How the directory stores a customer's record, in its blocks and in the chunks of every
 * order: an array of the fields in a fixed order, moments as base-36 milliseconds, without
 * the partner (the document's id names it). FerretDB scans a collection's documents to find
 * one by `_id`, so what a lookup costs grows with the characters stored beside it, and the
 * orders hold several copies of every record: this form takes about half the characters of
 * the one with named fields, which is still read (records written before it).
 */
export type StoredRecord = CompactRecord | NamedRecord;

type CompactRecord = [
  form: 1,
  customerId: string,
  seq: number,
  name: string,
  domain: string,
  cloud: string,
  status: CustomerStatus,
  stage: string,
  skus: string[],
  delegatedAdmin: [state: DelegatedAdminState, at: string, endsAt?: string] | 0,
  openRequests: [critical: number, moderate: number, minimal: number, at: string] | 0,
  createdAt: string,
  updatedAt: string,
  lastActivityAt: string,
];

/** The earlier form: the record's fields by name, moments as ISO strings. */
type NamedRecord = Omit<PartnerCustomer, '_id' | 'createdAt' | 'updatedAt' | 'lastActivityAt'> & {
  createdAt: string;
  updatedAt: string;
  lastActivityAt?: string;
};

const ms36 = (d: Date | string): string => (typeof d === 'string' ? Date.parse(d) : d.getTime()).toString(36);
const fromMs36 = (s: string): Date => new Date(parseInt(s, 36));

export function encodeRecord(r: PartnerCustomer): StoredRecord {
  const da = r.delegatedAdmin;
  const req = r.openRequests;
  return [
    1,
    r.customerId,
    r.seq,
    r.name,
    r.domain,
    r.cloud,
    r.status,
    r.stage,
    r.skus,
    da ? (da.endsAt === undefined ? [da.state, ms36(da.at)] : [da.state, ms36(da.at), da.endsAt]) : 0,
    req ? [req.critical, req.moderate, req.minimal, ms36(req.at)] : 0,
    ms36(r.createdAt),
    ms36(r.updatedAt),
    ms36(r.lastActivityAt),
  ];
}

export const seqOfStored = (s: StoredRecord): number => (Array.isArray(s) ? s[2] : s.seq);

export function decodeRecord(partnerId: string, s: StoredRecord): PartnerCustomer {
  if (!Array.isArray(s)) {
    return {
      ...s,
      _id: `${partnerId}|${s.seq.toString(36)}`,
      createdAt: new Date(s.createdAt),
      updatedAt: new Date(s.updatedAt),
      // records from before last activity was kept: their last entry
      lastActivityAt: new Date(s.lastActivityAt ?? s.updatedAt),
    };
  }
  const [, customerId, seq, name, domain, cloud, status, stage, skus, da, req, createdAt, updatedAt, lastActivityAt] = s;
  return {
    _id: `${partnerId}|${seq.toString(36)}`,
    partnerId,
    customerId,
    seq,
    name,
    domain,
    cloud,
    status,
    stage,
    skus,
    ...(da ? { delegatedAdmin: { state: da[0], at: fromMs36(da[1]).toISOString(), ...(da[2] === undefined ? {} : { endsAt: da[2] }) } } : {}),
    ...(req ? { openRequests: { critical: req[0], moderate: req[1], minimal: req[2], at: fromMs36(req[3]).toISOString() } } : {}),
    createdAt: fromMs36(createdAt),
    updatedAt: fromMs36(updatedAt),
    lastActivityAt: fromMs36(lastActivityAt),
  };
}
