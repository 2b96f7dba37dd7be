import { randomBytes } from 'node:crypto';

/** A record id such as `inv_3kTqV1x9cB2mQ0aZ`: 96 random bits, URL-safe. */
export const newId = (prefix: string): string => `${prefix}_${randomBytes(12).toString('base64url')}`;

/** An unguessable code for a customer-facing link: 192 random bits, URL-safe. */
export const newLinkCode = (): string => randomBytes(24).toString('base64url');

export const ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

/** An id that sorts by creation time (ms), then randomly: `aud_0mbx3k2p1_Xy3…`. */
export const newTimeOrderedId = (prefix: string, at = new Date()): string =>
  `${prefix}_${at.getTime().toString(36).padStart(9, '0')}_${randomBytes(8).toString('base64url')}`;
