import type { z } from 'zod';
import { validationProblem, zodFieldErrors, type FieldError } from './problem';

/** Parses one part of a request with its zod schema, or throws a 400 problem naming each failing field. */
export function parse<S extends z.ZodType>(schema: S, value: unknown, location: FieldError['location']): z.output<S> {
  const result = schema.safeParse(value ?? {});
  if (!result.success) throw validationProblem(zodFieldErrors(result.error, location));
  return result.data;
}
