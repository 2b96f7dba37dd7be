import type { RequestHandler } from 'express';
import helmet from 'helmet';

/**
 * Pages load their stylesheet and script from this server and nothing else:
 * no inline script or style, forms post only here, nobody may frame them.
 * Every page is for one visitor at one moment (some show a token once): no-store.
 */
export const pageHeaders = (): RequestHandler[] => [
  helmet.contentSecurityPolicy({
    useDefaults: false,
    directives: {
      defaultSrc: ["'none'"],
      scriptSrc: ["'self'"],
      styleSrc: ["'self'"],
      imgSrc: ["'self'", 'data:'],
      connectSrc: ["'self'"],
      formAction: ["'self'"],
      baseUri: ["'none'"],
      frameAncestors: ["'none'"],
      objectSrc: ["'none'"],
    },
  }),
  (_req, res, next) => {
    res.set('Cache-Control', 'no-store');
    next();
  },
];
