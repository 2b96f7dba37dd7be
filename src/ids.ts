import { randomBytes } from 'node:crypto';

/** A record id such as `inv_3kTqV1x9cB2mQ0aZ`: 96 random bits, URL-safe. */
export const newId = (prefix: string): string => `${prefix}_${randomBytes(12).toString('base64url')}`;

/** An unguessable code for a customer-facing link: 192 random bits, URL-safe. */
export const newLinkCode = (): string => randomBytes(24).toString('base64url');

export const ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;
