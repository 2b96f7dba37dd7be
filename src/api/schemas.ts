import { z } from 'zod';
import { ID_PATTERN } from '../ids';
import { freeTextProblem, nameProblem } from './names';

/** Building blocks every route's schemas share. */

const human = (max: number, problem: (s: string) => string | undefined) =>
  z
    .string()
    .trim()
    .overwrite((s) => s.normalize('NFC')) // before the length checks: NFC may lengthen (U+0958 is two in NFC)
    .min(1, { abort: true })
    .max(max)
    .refine((s) => problem(s) === undefined, { error: (issue) => problem(issue.input as string) });

/** Free text: trimmed, NFC, 1..max characters, well-formed, no control, format, private-use or unassigned characters (names.ts). */
export const text = (max: number) => human(max, freeTextProblem);

/** Free text of several lines (a description, a note): as `text`, with line breaks (CRLF and CR become LF). */
export const paragraphs = (max: number) =>
  z
    .string()
    .overwrite((s) => s.replace(/\r\n?/g, '\n'))
    .pipe(human(max, (s) => freeTextProblem(s.replace(/\n/g, ' '))));

/** A name (of a person, company, place): free text that shows at least one letter or digit. */
export const name = (max: number) => human(max, nameProblem);

export const id = (what = 'an id') => z.string().regex(ID_PATTERN, `must be ${what}`);

export { email } from './email';

export const phone = z
  .string()
  .trim()
  .regex(/^\+?[0-9][0-9 ()./-]{4,31}$/, 'must be a phone number such as +1 425 555 0100');

export const website = z.url({ protocol: /^https?$/, hostname: z.regexes.domain }).max(200);

/** The query integers (queryInteger) and their bounds: the OpenAPI document describes them as integers (describeQueryIntegers). */
const queryIntegers = z.registry<{ minimum: number; maximum: number }>();

/**
 * An integer in a query string: 1–9 decimal digits and nothing else (no sign,
 * spaces, exponent, fraction or hex, which Number() would take), then in range.
 */
export function queryInteger(minimum: number, maximum: number) {
  const schema = z
    .string()
    .regex(/^[0-9]{1,9}$/, 'must be a whole number in decimal digits (at most 9)')
    .transform(Number)
    .pipe(z.number().int().min(minimum).max(maximum));
  queryIntegers.add(schema, { minimum, maximum });
  return schema;
}

/** A z.toJSONSchema override: a query integer is an integer with its bounds (and its default), not the string it is parsed from. */
export function describeQueryIntegers({ zodSchema, jsonSchema }: { zodSchema: z.core.$ZodType; jsonSchema: z.core.JSONSchema.BaseSchema }): void {
  const bounds = queryIntegers.get(zodSchema);
  if (bounds) {
    delete jsonSchema.pattern;
    Object.assign(jsonSchema, { type: 'integer', ...bounds });
  }
  if (zodSchema instanceof z.ZodDefault && queryIntegers.has(zodSchema.unwrap())) jsonSchema.default = zodSchema.def.defaultValue;
}

export const pageLimit = queryInteger(1, 100).default(25).meta({ description: 'Items per page (1–100, default 25)' });

export const cursor = z
  .string()
  .max(512)
  .regex(/^[A-Za-z0-9_-]+$/, 'must be a cursor from a previous page')
  .optional()
  .meta({ description: 'nextCursor of the previous page' });

export const isoDate = z.iso.datetime();

/** Every list answers with a page of items and, when there may be more, the cursor of the next page. */
export const page = <T extends z.ZodType>(item: T) => z.object({ items: z.array(item), nextCursor: z.string().optional() });
