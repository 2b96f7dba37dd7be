import type { RequestHandler } from 'express';
import helmet from 'helmet';

/**
 * Helmet's hardening headers on every response (nosniff, no framing, no
 * referrer, HSTS, cross-origin isolation…) with a CSP that lets nothing run or
 * load: JSON needs nothing, and a response that ends up in a browser anyway
 * cannot become a page. /docs loosens the CSP for itself (docsContentSecurityPolicy).
 */
export const securityHeaders = (): RequestHandler =>
  helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: { defaultSrc: ["'none'"], baseUri: ["'none'"], formAction: ["'none'"], frameAncestors: ["'none'"] },
    },
    xFrameOptions: { action: 'deny' },
  });

/**
 * Swagger UI, all of it served by this API: its script and stylesheet are files
 * here (no inline script or style, no eval), it fetches /openapi.json, and "try
 * it out" calls the API itself; its icons are data: URLs. (Checked in headless
 * Chromium: it renders, expands, authorises and executes with no CSP violation.)
 */
export const docsContentSecurityPolicy = (): RequestHandler => selfServedPolicy({ formAction: ["'none'"] });

/**
 * The CSP of a page made of this server's own files only: its script, stylesheet
 * and fonts from here, images from here or data: URLs, requests only to here, no
 * plugins, no <base>, nobody may frame it; where its forms may post is the caller's.
 */
export const selfServedPolicy = ({ formAction }: { formAction: string[] }): RequestHandler =>
  helmet.contentSecurityPolicy({
    useDefaults: false,
    directives: {
      defaultSrc: ["'none'"],
      scriptSrc: ["'self'"],
      styleSrc: ["'self'"],
      imgSrc: ["'self'", 'data:'],
      fontSrc: ["'self'"],
      connectSrc: ["'self'"],
      objectSrc: ["'none'"],
      baseUri: ["'none'"],
      formAction,
      frameAncestors: ["'none'"],
    },
  });

/**
 * What the API answers is for one caller at one moment, and some of it is a
 * secret shown once (a new token, the operator's new partner admin, a new
 * customer's token): no cache may keep any of it. One rule for every answer,
 * so that no route can forget it; /docs and its assets come before it.
 */
export const noStore: RequestHandler = (_req, res, next) => {
  res.set('Cache-Control', 'no-store');
  next();
};
