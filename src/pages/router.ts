import path from 'node:path';
import express, { Router, type ErrorRequestHandler } from 'express';
import type { ApiDeps } from '../api/deps';
import type { AnyRoute } from '../api/route';
import { toProblem } from '../api/problem-handler';
import type { Services } from '../services';
import { customerPages } from './customer/routes';
import { dashboardPages } from './dashboard/routes';
import { pageHeaders } from './headers';
import { html } from './html';
import { layout } from './layout';

export interface PageSettings {
  /** Where a workflow opens in the Temporal UI: `<temporalUiUrl>/namespaces/<temporalNamespace>/workflows/<id>`. */
  temporalUiUrl: string;
  temporalNamespace: string;
  /** Signs page sessions and CSRF tokens (src/api/cursor-key.ts). */
  pageKey: Buffer;
}

export interface PageDeps extends ApiDeps, PageSettings {}

const FORM_LIMIT_BYTES = 32 * 1024;
/** The paths pages own; everything else is the API's. */
const PAGE_PATHS = /^\/(i|o|d|dashboard)(\/|$)/;

/**
 * The pages people open: customers through the links partners send (/i, /o, /d),
 * partner users on the dashboard (/dashboard). Rendered here from the same
 * services the API calls, under the same policy.
 */
export function pagesRouter(services: Services, deps: PageDeps, routes: AnyRoute[]): Router {
  const router = Router();
  router.use('/assets', express.static(path.join(__dirname, 'assets'), { index: false, maxAge: '1h', fallthrough: false }));
  const pages = Router();
  pages.use(pageHeaders());
  pages.use(express.urlencoded({ extended: false, limit: FORM_LIMIT_BYTES, parameterLimit: 200 }));
  customerPages(pages, services, deps, routes);
  dashboardPages(pages, routes, deps);
  pages.use(pageErrors(deps));
  router.use((req, res, next) => (PAGE_PATHS.test(req.path) ? pages(req, res, next) : next()));
  return router;
}

/** A page for anything that goes wrong: what happened in words, never JSON or a stack trace. */
function pageErrors(deps: PageDeps): ErrorRequestHandler {
  return (err, req, res, next) => {
    if (res.headersSent) return next(err);
    const problem = toProblem(err);
    if (!problem) deps.logger.error({ err, method: req.method, path: req.path }, 'unhandled error on a page');
    const status = problem?.status ?? 500;
    const detail = problem?.detail ?? `Something went wrong on our side; it was logged with request id ${String(req.id ?? 'unknown')}.`;
    for (const [k, v] of Object.entries(problem?.headers ?? {})) res.set(k, v);
    res
      .status(status)
      .type('html')
      .send(
        layout({
          title: status >= 500 ? 'Please try again' : 'This did not work',
          body: html`<h1>${status >= 500 ? 'Please try again in a moment' : 'This did not work'}</h1>
            <p>${detail}</p>`,
        }),
      );
  };
}
