import { z } from 'zod';
import { ID_PATTERN } from '../ids';

/** Building blocks every route's schemas share. */

const CONTROL = /[\p{Cc}\p{Cf}\u2028\u2029]/u;

/** Human text: trimmed, NFC, 1..max characters, no control or format characters, well-formed Unicode. */
export const text = (max: number) =>
  z
    .string()
    .trim()
    .min(1)
    .max(max)
    .refine((s) => s.isWellFormed(), 'must be well-formed Unicode (no lone surrogates)')
    .refine((s) => !CONTROL.test(s), 'must not contain control or format characters')
    .transform((s) => s.normalize('NFC'));

export const id = (what = 'an id') => z.string().regex(ID_PATTERN, `must be ${what}`);

export { email } from './email';

export const phone = z
  .string()
  .trim()
  .regex(/^\+?[0-9][0-9 ()./-]{4,31}$/, 'must be a phone number such as +1 425 555 0100');

export const website = z.url({ protocol: /^https?$/, hostname: z.regexes.domain }).max(200);

export const pageLimit = z.coerce.number().int().min(1).max(100).default(25).meta({ description: 'Items per page (1–100, default 25)' });

export const cursor = z
  .string()
  .max(512)
  .regex(/^[A-Za-z0-9_-]+$/, 'must be a cursor from a previous page')
  .optional()
  .meta({ description: 'nextCursor of the previous page' });

export const isoDate = z.iso.datetime();

/** Every list answers with a page of items and, when there may be more, the cursor of the next page. */
export const page = <T extends z.ZodType>(item: T) => z.object({ items: z.array(item), nextCursor: z.string().optional() });
