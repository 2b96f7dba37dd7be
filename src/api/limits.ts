/** Largest request body the API reads; beyond it, 413. */
export const BODY_LIMIT_BYTES = 64 * 1024;
