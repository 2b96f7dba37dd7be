import type { RequestHandler } from 'express';
import { selfServedPolicy } from '../api/security-headers';

/**
 * Pages load their stylesheet and script from this server and nothing else:
 * no inline script or style, forms post only here, nobody may frame them.
 * Every page is for one visitor at one moment (some show a token once): no-store.
 */
export const pageHeaders = (): RequestHandler[] => [
  selfServedPolicy({ formAction: ["'self'"] }),
  (_req, res, next) => {
    res.set('Cache-Control', 'no-store');
    next();
  },
];
