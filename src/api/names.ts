/**
 * What human text may hold: free text (a search, a token's label) and names (of people,
 * companies, places), which must also show something. Each returns why a string is refused,
 * or undefined; the `text` and `name` schema builders (schemas.ts) apply them.
 */

/** A zero-width joiner inside an emoji sequence (👩‍💻, 🏳️‍🌈): an emoji, its variation or skin tone, the joiner, an emoji. */
const EMOJI_JOINER = /(?<=\p{Extended_Pictographic}(?:\u{FE0F}|[\u{1F3FB}-\u{1F3FF}])?)\u200D(?=\p{Extended_Pictographic})/gu;
/** The tags of a subdivision flag (🏴󠁧󠁢󠁳󠁣󠁴󠁿): after a black flag, ended by the cancel tag. */
const FLAG_TAGS = /(?<=\u{1F3F4})[\u{E0020}-\u{E007E}]+\u{E007F}/gu;

const CONTROL_OR_FORMAT = /[\p{Cc}\p{Cf}\u2028\u2029]/u;
const PRIVATE_USE = /\p{Co}/u;
const UNASSIGNED = /\p{Cn}/u;
const LEADING_MARK = /^\p{M}/u;
/** Letters that show nothing: the Hangul fillers. */
const FILLERS = /[\u115F\u1160\u3164\uFFA0]/gu;
const LETTER_OR_DIGIT = /[\p{L}\p{N}]/u;

export function freeTextProblem(s: string): string | undefined {
  if (!s.isWellFormed()) return 'must be well-formed Unicode (no lone surrogates)';
  if (CONTROL_OR_FORMAT.test(s.replace(EMOJI_JOINER, '').replace(FLAG_TAGS, '')))
    return 'must not contain control or format characters (a zero-width joiner only inside an emoji)';
  if (PRIVATE_USE.test(s)) return 'must not contain private-use characters';
  if (UNASSIGNED.test(s)) return 'must not contain unassigned code points';
  if (LEADING_MARK.test(s)) return 'must not start with a combining mark';
  return undefined;
}

export function nameProblem(s: string): string | undefined {
  return freeTextProblem(s) ?? (LETTER_OR_DIGIT.test(s.replace(FILLERS, '')) ? undefined : 'must contain a visible letter or digit');
}
