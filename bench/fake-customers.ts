import { randomBytes } from 'node:crypto';
/**
 * Deterministic, realistic-looking customers for benchmarks and seeding:
 * "Northwind Solar Traders", northwindsolar42.onmicrosoft.com, …
 */
import type { Connection } from 'mongoose';
import { CustomerDirectory } from '../src/customers/directory/directory';
const FIRST = [
  'North',
  'South',
  'Blue',
  'Red',
  'Green',
  'Silver',
  'Golden',
  'Alpine',
  'Coastal',
  'Prairie',
  'Urban',
  'Rapid',
  'Bright',
  'Summit',
  'Harbor',
  'Pioneer',
  'Liberty',
  'Crescent',
  'Evergreen',
  'Granite',
  'Maple',
  'Cedar',
  'Falcon',
  'Lakeside',
  'Riverside',
  'Sunrise',
  'Westfield',
  'Oak',
  'Iron',
  'Crystal',
];
const SECOND = [
  'wind',
  'wood',
  'stone',
  'bridge',
  'field',
  'point',
  'view',
  'gate',
  'brook',
  'ridge',
  'haven',
  'light',
  'star',
  'peak',
  'vale',
  'crest',
  'mark',
  'line',
  'works',
  'port',
];
const TRADE = [
  'Solar',
  'Logistics',
  'Dental',
  'Legal',
  'Bakery',
  'Consulting',
  'Analytics',
  'Motors',
  'Textiles',
  'Pharma',
  'Foods',
  'Architects',
  'Robotics',
  'Insurance',
  'Media',
  'Clinic',
  'Farms',
  'Outfitters',
  'Software',
  'Brewing',
  'Optics',
  'Realty',
  'Travel',
  'Energy',
  'Marine',
  'Studios',
  'Labs',
  'Partners',
  'Academy',
  'Freight',
];
const FORM = ['Ltd', 'GmbH', 'Inc', 'LLC', 'SARL', 'BV', 'AG', 'Pty Ltd', 'Oy', 'AB', 'S.p.A.', 'Co.'];
const ACCENTED = ['Müller', 'Søren', 'Café', 'Élan', 'Ñandú', 'Zürich', 'Łódź', 'Ørsted'];

/** mulberry32: a tiny seeded PRNG, so every run makes the same customers. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface FakeCustomer {
  name: string;
  domain: string;
  status: 'trial' | 'active' | 'suspended' | 'removed';
  skus: string[];
}

const SKUS = ['BUS-BASIC', 'BUS-STD', 'BUS-PREM', 'ENT-E3', 'ENT-E5', 'MAIL-P1', 'MAIL-P2', 'STOR-P1', 'VOICE-PHONE', 'VOICE-CONF'];

export function fakeCustomer(i: number, rand: () => number): FakeCustomer {
  const pick = <T>(xs: T[]) => xs[Math.floor(rand() * xs.length)]!;
  const first = rand() < 0.05 ? pick(ACCENTED) : pick(FIRST);
  const stem = `${first}${pick(SECOND)}`;
  const name = `${stem} ${pick(TRADE)} ${pick(FORM)}`;
  const domain = `${stem
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .replace(/[^A-Za-z]/g, '')
    .toLowerCase()}${i}.onmicrosoft.com`;
  const r = rand();
  const status = r < 0.2 ? 'trial' : r < 0.9 ? 'active' : r < 0.97 ? 'suspended' : 'removed';
  const skus = status === 'trial' ? [pick(SKUS)] : [...new Set([pick(SKUS), pick(SKUS)])];
  return { name, domain, status, skus };
}

/** The id `seedDirectory` gives the `i`th customer. */
export const fakeCustomerId = (i: number) => `cus_${i.toString(36)}`;

/**
 * Puts `count` fake customers (prng(`seed`)) in a partner's customer directory in
 * one `apply`, as the workflows would have one by one; they are
 * `fakeCustomerId(0…count-1)`. Returns them and how long it took.
 */
export async function seedDirectory(connection: Connection, partnerId: string, count: number, seed = 42): Promise<{ all: FakeCustomer[]; seconds: number }> {
  const rand = prng(seed);
  const all = Array.from({ length: count }, (_, i) => fakeCustomer(i, rand));
  const t0 = performance.now();
  const at = new Date();
  await new CustomerDirectory(connection).apply(
    partnerId,
    all.map((c, i) => ({
      partnerId,
      customerId: fakeCustomerId(i),
      name: c.name,
      domain: c.domain,
      cloud: 'global',
      status: c.status,
      stage: c.status,
      skus: c.skus,
      at,
    })),
  );
  return { all, seconds: (performance.now() - t0) / 1000 };
}

const KEY_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ0123456789';
/** A random product key (five groups of five letters and digits), new each time. */
export const fakeProductKey = (): string =>
  Array.from({ length: 5 }, () =>
    Array.from(randomBytes(5))
      .map((b) => KEY_ALPHABET[b % KEY_ALPHABET.length])
      .join(''),
  ).join('-');
