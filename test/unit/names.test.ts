import type { z } from 'zod';
import { createCustomerUserSchema } from '../../src/customer-portal/schemas';
import { acceptLinkSchema } from '../../src/links/schemas';
import { addressSchema, profileSchema } from '../../src/partners/schemas';
import { createUserSchema, issueTokenSchema } from '../../src/users/schemas';

/** Names must show a letter or digit; free text at least holds nothing invisible or unassigned (src/api/names.ts). */
const NAMES: Array<[string, z.ZodType]> = [
  ['company name', profileSchema.shape.name],
  ['user name', createUserSchema.shape.displayName],
  ['customer user name', createCustomerUserSchema.shape.displayName],
  ['city', addressSchema.shape.city],
  ['new tenant name', acceptLinkSchema.shape.customer.unwrap().shape.name],
];
const FREE_TEXT: Array<[string, z.ZodType]> = [['token label', issueTokenSchema.shape.label]];

const ACCEPTED = [
  'Contoso',
  'Zoë Ångström',
  'O’Brien & Sons',
  '東京 Trading',
  'Ｆｕｌｌ Ｗｉｄｔｈ',
  '٣ Arabic-Indic digit',
  'e\u0301cole', // a combining mark after its letter
  '👩‍💻 Team', // woman technologist: an emoji ZWJ sequence
  '🏳️‍🌈 Pride', // a variation selector and a joiner
  '👨🏽‍🚀 Crew', // a skin tone, then a joiner
  '🏴󠁧󠁢󠁳󠁣󠁴󠁿 Scots', // a subdivision flag (tag characters)
  '1️⃣ First',
  '7',
];
const REFUSED_AS_NAME = [
  '\u3164', // HANGUL FILLER
  '\u115F\u1160', // Hangul choseong and jungseong fillers
  '\uFFA0', // HALFWIDTH HANGUL FILLER
  '\u2800', // BRAILLE PATTERN BLANK
  '\u2800\u3164\u2800',
  '👍🏽', // an emoji alone shows no letter or digit
  '...',
];
const REFUSED = [
  '\u0301', // a lone combining mark
  '\u0301abc', // a leading one
  '\uE000 Private', // private use
  '\u{F0000}', // supplementary private use
  '\u0378 unassigned', // unassigned
  '\u{50000}', // unassigned plane
  'a\u200Db', // a joiner between letters
  '\u200DContoso',
  'Contoso\u200B', // zero-width space
  '\u202EContoso', // right-to-left override
  'Con\u00ADtoso', // soft hyphen
  '🏴\u{E0067}\u{E0062} Unfinished', // tags without their cancel tag
  'Contoso\u0000',
  'Line\u2028Break',
  '\uD800 lone surrogate',
  '',
  '   ',
];

describe('names', () => {
  it.each(NAMES)('%s: takes names of any script, with marks and emoji sequences', (_field, schema) => {
    expect(ACCEPTED.filter((s) => !schema.safeParse(s).success)).toEqual([]);
  });

  it.each(NAMES)('%s: refuses names that show nothing, and invisible, private or unassigned characters', (_field, schema) => {
    expect([...REFUSED_AS_NAME, ...REFUSED].filter((s) => schema.safeParse(s).success)).toEqual([]);
  });

  it('say why they are refused', () => {
    const message = (s: string) => profileSchema.shape.name.safeParse(s).error?.issues[0]?.message;
    expect(message('\u3164')).toBe('must contain a visible letter or digit');
    expect(message('\uE000 Private')).toBe('must not contain private-use characters');
    expect(message('\u0378 unassigned')).toBe('must not contain unassigned code points');
    expect(message('\u0301abc')).toBe('must not start with a combining mark');
    expect(message('a\u200Db')).toMatch(/format characters/);
  });
});

describe('free text', () => {
  it.each(FREE_TEXT)('%s: takes what a name takes, and text that shows no letter', (_field, schema) => {
    expect([...ACCEPTED, ...REFUSED_AS_NAME].filter((s) => !schema.safeParse(s).success)).toEqual([]);
  });

  it.each(FREE_TEXT)('%s: refuses invisible, private and unassigned characters', (_field, schema) => {
    expect(REFUSED.filter((s) => schema.safeParse(s).success)).toEqual([]);
  });
});
