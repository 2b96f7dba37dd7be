import type { PartnerCustomer } from '../../src/customers/directory/model';
import { decodeRecord, encodeRecord, seqOfStored, type StoredRecord } from '../../src/customers/directory/record-codec';

const base: PartnerCustomer = {
  _id: 'prt_1|2s',
  partnerId: 'prt_1',
  customerId: 'cus_0123456789abcdef',
  seq: 100,
  name: 'Northwind Solar Traders "Ünited"',
  domain: 'northwindsolar42.onmicrosoft.com',
  cloud: 'global',
  status: 'active',
  stage: 'purchased',
  skus: ['BUS-STD', 'ENT-E5'],
  createdAt: new Date('2026-01-01T00:00:00.000Z'),
  updatedAt: new Date('2026-02-03T04:05:06.789Z'),
  lastActivityAt: new Date('2026-03-04T05:06:07.891Z'),
};

describe('the directory record codec', () => {
  it.each([
    ['without facts', base],
    [
      'with both facts',
      {
        ...base,
        delegatedAdmin: { state: 'expiring', endsAt: '2027-01-01T00:00:00.000Z', at: '2026-03-04T05:06:07.891Z' },
        openRequests: { critical: 1, moderate: 0, minimal: 3, at: '2026-03-01T00:00:00.001Z' },
      },
    ],
    ['pending, without an end', { ...base, delegatedAdmin: { state: 'pending', at: '2026-02-01T00:00:00.000Z' } }],
  ] as Array<[string, PartnerCustomer]>)('gives back the record %s, in under 60% of the characters of the named form', (_, record) => {
    const stored = JSON.parse(JSON.stringify(encodeRecord(record))) as StoredRecord;
    expect(decodeRecord(record.partnerId, stored)).toEqual(record);
    expect(seqOfStored(stored)).toBe(record.seq);
    const { _id, ...named } = record;
    expect(JSON.stringify(stored).length).toBeLessThan(0.6 * JSON.stringify(named).length);
  });

  it('still reads records stored with named fields (before the compact form)', () => {
    const { _id, ...named } = { ...base, delegatedAdmin: { state: 'active' as const, at: '2026-02-01T00:00:00.000Z' } };
    const stored = JSON.parse(JSON.stringify(named)) as StoredRecord;
    expect(decodeRecord('prt_1', stored)).toEqual({ ...base, delegatedAdmin: { state: 'active', at: '2026-02-01T00:00:00.000Z' } });
    expect(seqOfStored(stored)).toBe(100);
    const { lastActivityAt: _gone, ...older } = named; // from before last activity was kept
    expect(decodeRecord('prt_1', JSON.parse(JSON.stringify(older)) as StoredRecord).lastActivityAt).toEqual(base.updatedAt);
  });
});
