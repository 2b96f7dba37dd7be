/**
 * What the customer directory indexes. Names and domains are normalised (accents
 * removed, lower-case, spaces collapsed) and cut into every 2- and 3-character
 * piece; a query's pieces must all be present, and the match is then checked on
 * the whole string, so "rik" finds "Fabrikam" and "FABRIKAM.onmicrosoft.com".
 */

export const MIN_QUERY_LENGTH = 2;

export function normalize(s: string): string {
  return s.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase().replace(/\s+/g, ' ').trim();
}

/** Every distinct 2- and 3-character piece of an already normalised string. */
export function grams(s: string): Set<string> {
  const chars = Array.from(s); // code points, not UTF-16 units
  const out = new Set<string>();
  for (let i = 0; i + 2 <= chars.length; i++) {
    out.add(chars.slice(i, i + 2).join(''));
    if (i + 3 <= chars.length) out.add(chars.slice(i, i + 3).join(''));
  }
  return out;
}

/** The pieces a normalised query needs: its 3-grams, or itself when 2 characters long. */
export function queryGrams(q: string): string[] {
  const chars = Array.from(q);
  if (chars.length < MIN_QUERY_LENGTH) return [];
  if (chars.length === 2) return [q];
  const out = new Set<string>();
  for (let i = 0; i + 3 <= chars.length; i++) out.add(chars.slice(i, i + 3).join(''));
  return [...out];
}

export interface Indexed {
  name: string;
  domain: string;
  status: string;
  skus: string[];
  stage?: string;
  delegatedAdmin?: { state: string };
  openRequests?: { critical: number; moderate: number; minimal: number };
}

/** What a list may be filtered by (each optional; all given must hold). */
export interface Filter {
  q?: string;
  status?: string;
  sku?: string;
  stage?: string;
  delegatedAdmin?: string;
  /** `any`, or a severity: at least one open request (of that severity). */
  openRequests?: string;
}

export const textTerm = (gram: string) => `g:${gram}`;
export const statusTerm = (status: string) => `s:${status}`;
export const skuTerm = (sku: string) => `k:${sku}`;
export const stageTerm = (stage: string) => `st:${stage}`;
export const delegatedAdminTerm = (state: string) => `da:${state}`;
/** `req:any`, `req:critical`, `req:moderate`, `req:minimal` */
export const openRequestsTerm = (which: string) => `req:${which}`;

export const delegatedAdminStateOf = (c: Indexed): string => c.delegatedAdmin?.state ?? 'none';

/** `any` and each severity the customer has open requests of. */
export function openRequestKinds(c: Indexed): string[] {
  const r = c.openRequests;
  if (!r) return [];
  const kinds = (['critical', 'moderate', 'minimal'] as const).filter((s) => r[s] > 0);
  return kinds.length > 0 ? ['any', ...kinds] : [];
}

/** Every term a customer is listed under. */
export function termsOf(c: Indexed): Set<string> {
  const terms = new Set<string>();
  for (const g of grams(normalize(c.name))) terms.add(textTerm(g));
  for (const g of grams(normalize(c.domain))) terms.add(textTerm(g));
  terms.add(statusTerm(c.status));
  for (const sku of c.skus) terms.add(skuTerm(sku));
  if (c.stage) terms.add(stageTerm(c.stage));
  terms.add(delegatedAdminTerm(delegatedAdminStateOf(c)));
  for (const kind of openRequestKinds(c)) terms.add(openRequestsTerm(kind));
  return terms;
}

/** The index terms a filter (without its text query) requires. */
export function filterTerms(f: Filter): string[] {
  return [
    ...(f.status ? [statusTerm(f.status)] : []),
    ...(f.sku ? [skuTerm(f.sku)] : []),
    ...(f.stage ? [stageTerm(f.stage)] : []),
    ...(f.delegatedAdmin ? [delegatedAdminTerm(f.delegatedAdmin)] : []),
    ...(f.openRequests ? [openRequestsTerm(f.openRequests)] : []),
  ];
}

/** Whether a customer really matches: the whole query inside its name or domain, and each filter. */
export function matches(c: Indexed, f: Filter): boolean {
  if (f.status && c.status !== f.status) return false;
  if (f.sku && !c.skus.includes(f.sku)) return false;
  if (f.stage && c.stage !== f.stage) return false;
  if (f.delegatedAdmin && delegatedAdminStateOf(c) !== f.delegatedAdmin) return false;
  if (f.openRequests && !openRequestKinds(c).includes(f.openRequests)) return false;
  if (f.q) {
    const q = normalize(f.q);
    if (!normalize(c.name).includes(q) && !normalize(c.domain).includes(q)) return false;
  }
  return true;
}
