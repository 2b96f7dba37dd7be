/**
 * A product key: 25 letters and digits in five groups of five, written with dashes
 * (`ABCDE-12345-FGHIJ-67890-KLMNO`). A line is read ignoring case, surrounding spaces
 * and its dashes (or spaces) between the groups; anything else is not a key.
 */
const LINE = /^([A-Z0-9]{5})[-\s]?([A-Z0-9]{5})[-\s]?([A-Z0-9]{5})[-\s]?([A-Z0-9]{5})[-\s]?([A-Z0-9]{5})$/;

/** The key a line holds, in its one written form, or undefined when the line is not a key. */
export function parseProductKey(line: string): string | undefined {
  const m = LINE.exec(line.trim().toUpperCase());
  return m ? m.slice(1, 6).join('-') : undefined;
}

/** Why a line of a registration was not registered. */
export const KEY_REFUSALS = ['malformed', 'duplicate-in-batch', 'already-registered'] as const;
export type KeyRefusal = (typeof KEY_REFUSALS)[number];
