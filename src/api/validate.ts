import type { z } from 'zod';
import { validationProblem, zodFieldErrors, type FieldError } from './problem';

/** Parses one part of a request with its zod schema, or throws a 400 problem naming each failing field. */
export function parse<S extends z.ZodType>(schema: S, value: unknown, location: FieldError['location']): z.output<S> {
  const unparsable = prototypeKeys(value, location);
  if (unparsable.length) throw validationProblem(unparsable);
  const result = schema.safeParse(value ?? {});
  if (!result.success) throw validationProblem(zodFieldErrors(result.error, location));
  return result.data;
}

/**
 * `__proto__` as a key of the JSON: zod's object and record parsers skip it without a word,
 * so the rest of a request would go through as if it had not been sent.
 */
function prototypeKeys(value: unknown, location: FieldError['location'], path: string[] = []): FieldError[] {
  if (typeof value !== 'object' || value === null) return [];
  return Object.entries(value).flatMap(([key, v]) =>
    key === '__proto__'
      ? [{ location, path: [...path, key].join('.'), message: 'is not a field name this API takes' }]
      : prototypeKeys(v, location, [...path, key]),
  );
}
