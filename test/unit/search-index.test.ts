import {
  applyToSorted,
  decodeDirectory,
  directoryCountStale,
  decodeSeqs,
  encodeDirectory,
  encodeSeqs,
  intersectDescending,
  PAGE_SPAN,
  pageOf,
} from '../../src/customers/directory/postings';
import { grams, matches, normalize, queryGrams, termsOf } from '../../src/customers/directory/terms';

describe('posting lists', () => {
  it('round-trip sequence numbers and directories through their text form', () => {
    const seqs = [0, 1, 35, 36, 1295, 99_999, 1_000_000];
    expect(decodeSeqs(encodeSeqs(seqs))).toEqual(seqs);
    expect(decodeSeqs('')).toEqual([]);
    const dir = new Map([
      [0, 12],
      [5, 1],
      [40, 2048],
    ]);
    expect(decodeDirectory(encodeDirectory(dir))).toEqual(dir);
    expect(encodeDirectory(new Map([[3, 0]]))).toBe('');
  });

  it('adds and removes entries keeping order and uniqueness', () => {
    expect(applyToSorted([1, 5, 9], [7, 5, 2], [9, 42])).toEqual([1, 2, 5, 7]);
  });

  it('intersects sorted lists into descending order', () => {
    expect(
      intersectDescending([
        [1, 2, 3, 8, 9],
        [2, 3, 9, 10],
        [0, 2, 9],
      ]),
    ).toEqual([9, 2]);
    expect(intersectDescending([[1, 2], []])).toEqual([]);
    expect(intersectDescending([[4, 6]])).toEqual([6, 4]);
  });

  it('puts a sequence number in the page of its span', () => {
    expect(pageOf(0)).toBe(0);
    expect(pageOf(PAGE_SPAN - 1)).toBe(0);
    expect(pageOf(PAGE_SPAN)).toBe(1);
  });
});

describe('terms', () => {
  it('normalises case, accents, width and spaces', () => {
    expect(normalize('  Müller   Søren  ÉLAN ')).toBe('muller søren elan');
    expect(normalize('ＦＡＢ')).toBe('fab');
  });

  it('cuts 2- and 3-character pieces by code point', () => {
    expect([...grams('abcd')].sort()).toEqual(['ab', 'abc', 'bc', 'bcd', 'cd']);
    expect([...grams('a😀b')].sort()).toEqual(['a😀', 'a😀b', '😀b']);
    expect(queryGrams('ab')).toEqual(['ab']);
    expect(queryGrams('a')).toEqual([]);
    expect(queryGrams('abcd')).toEqual(['abc', 'bcd']);
  });

  it('indexes status and SKUs as their own terms', () => {
    const terms = termsOf({ name: 'Ab', domain: 'cd.ef', status: 'trial', skus: ['BUS-STD'] });
    // and one for where delegated administration stands: none, until a relationship says otherwise
    expect(terms).toEqual(new Set(['g:ab', 'g:cd', 'g:cd.', 'g:d.', 'g:d.e', 'g:.e', 'g:.ef', 'g:ef', 's:trial', 'k:BUS-STD', 'da:none']));
  });

  it('matches the whole query inside name or domain, and every filter', () => {
    const c = { name: 'Northwind Solar GmbH', domain: 'northwind42.onmicrosoft.com', status: 'active', skus: ['ENT-E3'] };
    expect(matches(c, { q: 'WIND sol' })).toBe(true);
    expect(matches(c, { q: 'nd42.on' })).toBe(true);
    expect(matches(c, { q: 'solar northwind' })).toBe(false); // pieces present, not in this order
    expect(matches(c, { q: 'wind', status: 'trial' })).toBe(false);
    expect(matches(c, { sku: 'ENT-E3', status: 'active' })).toBe(true);
  });
});

describe('directory counts', () => {
  it('are rewritten when a page comes or goes, or its count drifts by more than an eighth (at least 8)', () => {
    expect(directoryCountStale(undefined, 3)).toBe(true); // a new page, or one stored before counts were kept
    expect(directoryCountStale(5, 0)).toBe(true); // the page goes
    expect(directoryCountStale(5, 13)).toBe(false);
    expect(directoryCountStale(5, 14)).toBe(true);
    expect(directoryCountStale(1000, 1125)).toBe(false);
    expect(directoryCountStale(1000, 1126)).toBe(true);
    expect(directoryCountStale(1000, 874)).toBe(true);
  });
});
