import { Schema, type SchemaDefinition, type SchemaDefinitionProperty, type SchemaOptions } from 'mongoose';

/**
 * The mongoose schema of a stored record, typed by the record's declared shape:
 * every field of `R` must have its definition here (and nothing else may), so a
 * field added to the record and forgotten in its schema does not compile —
 * instead of failing at run time under `strict: 'throw'`.
 */
export function recordSchema<R extends { _id: string }>(
  definition: { [K in keyof R]-?: SchemaDefinitionProperty },
  options: SchemaOptions & { collection: string },
): Schema<R> {
  return new Schema(definition as SchemaDefinition, { versionKey: false, strict: 'throw', ...options }) as unknown as Schema<R>;
}

/** A nested part of a record (no `_id` of its own), typed the same way. */
export function partSchema<P>(definition: { [K in keyof P]-?: SchemaDefinitionProperty }): Schema<P> {
  return new Schema(definition as SchemaDefinition, { _id: false, strict: 'throw' }) as unknown as Schema<P>;
}

/**
 * A record as it crosses Temporal (JSON): dates as ISO strings, which mongoose
 * casts back to dates when it stores them.
 */
export type Wire<T> = T extends Date
  ? string | Date
  : T extends ReadonlyArray<infer U>
    ? Array<Wire<U>>
    : T extends object
      ? { [K in keyof T]: Wire<T[K]> }
      : T;

/** Fails to compile when `S` has a field that `R` lacks. */
export type NoExtraFields<S, R> = { [K in Exclude<keyof S, keyof R>]: never };
