import type { Cloud } from '../partners/model';

type Money = { amount: number; currency: string };

export interface CatalogSeed {
  sku: string;
  name: string;
  category: 'suite' | 'mail' | 'storage' | 'voice' | 'security' | 'add-on';
  description: string;
  prices: Partial<Record<Cloud, Money>>;
  trial: { available: false } | { available: true; lengthDays: number; licenseCount: number };
  minLicenses: number;
  maxLicenses: number;
}

const usd = (dollars: number): Money => ({ amount: Math.round(dollars * 100), currency: 'USD' });
const cny = (yuan: number): Money => ({ amount: Math.round(yuan * 100), currency: 'CNY' });
const trial = (lengthDays: number, licenseCount: number) => ({ available: true as const, lengthDays, licenseCount });
const noTrial = { available: false as const };

/**
 * The seeded catalog: fourteen services in the global cloud and twelve in the
 * separately operated sovereign cloud (some sold in both, priced per cloud).
 */
export const CATALOG: CatalogSeed[] = [
  {
    sku: 'BUS-BASIC',
    name: 'Business Basic',
    category: 'suite',
    description: 'Web and mobile apps, mail, 1 TB storage, meetings',
    prices: { global: usd(6), sovereign: cny(36) },
    trial: trial(30, 25),
    minLicenses: 1,
    maxLicenses: 300,
  },
  {
    sku: 'BUS-STD',
    name: 'Business Standard',
    category: 'suite',
    description: 'Desktop apps plus everything in Business Basic',
    prices: { global: usd(12.5), sovereign: cny(75) },
    trial: trial(30, 25),
    minLicenses: 1,
    maxLicenses: 300,
  },
  {
    sku: 'BUS-PREM',
    name: 'Business Premium',
    category: 'suite',
    description: 'Business Standard plus advanced security and device management',
    prices: { global: usd(22) },
    trial: trial(30, 25),
    minLicenses: 1,
    maxLicenses: 300,
  },
  {
    sku: 'ENT-E3',
    name: 'Enterprise E3',
    category: 'suite',
    description: 'Productivity apps, compliance and device management for large organisations',
    prices: { global: usd(36), sovereign: cny(216) },
    trial: trial(30, 25),
    minLicenses: 1,
    maxLicenses: 100_000,
  },
  {
    sku: 'ENT-E5',
    name: 'Enterprise E5',
    category: 'suite',
    description: 'E3 plus advanced security, analytics and voice',
    prices: { global: usd(57) },
    trial: trial(30, 25),
    minLicenses: 1,
    maxLicenses: 100_000,
  },
  {
    sku: 'ENT-F3',
    name: 'Frontline F3',
    category: 'suite',
    description: 'Web and mobile apps for frontline workers',
    prices: { global: usd(8), sovereign: cny(48) },
    trial: noTrial,
    minLicenses: 1,
    maxLicenses: 100_000,
  },
  {
    sku: 'MAIL-P1',
    name: 'Mail Plan 1',
    category: 'mail',
    description: '50 GB mailbox, calendar and contacts',
    prices: { global: usd(4), sovereign: cny(24) },
    trial: trial(30, 25),
    minLicenses: 1,
    maxLicenses: 100_000,
  },
  {
    sku: 'MAIL-P2',
    name: 'Mail Plan 2',
    category: 'mail',
    description: '100 GB mailbox, archiving and data loss prevention',
    prices: { global: usd(8), sovereign: cny(48) },
    trial: trial(30, 25),
    minLicenses: 1,
    maxLicenses: 100_000,
  },
  {
    sku: 'MAIL-KIOSK',
    name: 'Mail Kiosk',
    category: 'mail',
    description: '2 GB web mailbox for shared devices',
    prices: { global: usd(2), sovereign: cny(12) },
    trial: noTrial,
    minLicenses: 1,
    maxLicenses: 100_000,
  },
  {
    sku: 'STOR-P1',
    name: 'Storage Plan 1',
    category: 'storage',
    description: '1 TB cloud storage per user',
    prices: { global: usd(5), sovereign: cny(30) },
    trial: trial(30, 25),
    minLicenses: 1,
    maxLicenses: 100_000,
  },
  {
    sku: 'STOR-P2',
    name: 'Storage Plan 2',
    category: 'storage',
    description: 'Unlimited cloud storage with retention policies',
    prices: { global: usd(10) },
    trial: trial(30, 25),
    minLicenses: 5,
    maxLicenses: 100_000,
  },
  {
    sku: 'VOICE-PHONE',
    name: 'Phone System',
    category: 'voice',
    description: 'Cloud PBX: call control and phone numbers',
    prices: { global: usd(8), sovereign: cny(48) },
    trial: trial(30, 25),
    minLicenses: 1,
    maxLicenses: 100_000,
  },
  {
    sku: 'VOICE-CONF',
    name: 'Audio Conferencing',
    category: 'voice',
    description: 'Dial-in numbers for online meetings',
    prices: { global: usd(4), sovereign: cny(24) },
    trial: trial(30, 25),
    minLicenses: 1,
    maxLicenses: 100_000,
  },
  {
    sku: 'VOICE-CALL-DOM',
    name: 'Domestic Calling Plan',
    category: 'voice',
    description: 'Calls to numbers in the home country',
    prices: { global: usd(12) },
    trial: noTrial,
    minLicenses: 1,
    maxLicenses: 100_000,
  },
  {
    sku: 'SEC-DEFEND',
    name: 'Threat Protection',
    category: 'security',
    description: 'Protection against phishing and malware in mail and files',
    prices: { sovereign: cny(18) },
    trial: trial(60, 25),
    minLicenses: 1,
    maxLicenses: 100_000,
  },
  {
    sku: 'ADDON-VISIO',
    name: 'Diagramming Plan 2',
    category: 'add-on',
    description: 'Diagramming desktop app and web editing',
    prices: { sovereign: cny(90) },
    trial: trial(30, 25),
    minLicenses: 1,
    maxLicenses: 100_000,
  },
];
