import { otpKeyFrom } from '../customer-users/service';
import express, { type Express } from 'express';
import type { Connection as MongoConnection } from 'mongoose';
import type { Connection as TemporalConnection } from '@temporalio/client';
import type { ApiDeps } from './deps';
import { docsRouter } from './docs';
import { healthRouter } from './health';
import { BODY_LIMIT_BYTES } from './limits';
import { buildOpenApi } from './openapi';
import { Problem } from './problem';
import { problemHandler } from './problem-handler';
import { requestLog } from './request-log';
import { noStore, securityHeaders } from './security-headers';
import { expressPath, mountRoutes } from './route';
import { allRoutes } from './routes';
import { createServices } from '../services';
import { pagesRouter, type PageSettings } from '../pages/router';

export interface AppDeps extends ApiDeps, PageSettings {
  mongoConnection: MongoConnection;
  temporalConnection: TemporalConnection;
}

export function createApp(deps: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'simple'); // no nested objects from ?a[b]=c
  app.use(securityHeaders());
  app.use(requestLog(deps.logger));

  const services = createServices({ ...deps, otpKey: otpKeyFrom(deps.pageKey) });
  const routes = allRoutes(services);
  app.use(docsRouter(() => buildOpenApi(routes, '1')));
  app.use(pagesRouter(services, deps, routes));
  app.use(noStore); // everything after the documentation
  app.use(healthRouter({ mongo: deps.mongoConnection, temporal: deps.temporalConnection }));

  app.use((req, _res, next) => {
    const hasBody = Number(req.headers['content-length'] ?? 0) > 0 || req.headers['transfer-encoding'] !== undefined;
    if (hasBody && !req.is('application/json')) {
      return next(new Problem('unsupported-media-type', `send the body as application/json (got ${req.headers['content-type'] ?? 'no content type'})`));
    }
    next();
  });
  // routes that take bulk input read more (a body once read is not read again)
  for (const r of routes) if (r.bodyLimitBytes) app[r.method](expressPath(r.path), express.json({ limit: r.bodyLimitBytes, strict: true }));
  app.use(express.json({ limit: BODY_LIMIT_BYTES, strict: true }));

  const router = express.Router();
  mountRoutes(router, routes, deps);
  app.use(router);

  // A known path with another method: 405 and the methods it has.
  const byPath = new Map<string, Set<string>>();
  for (const r of routes) byPath.set(expressPath(r.path), (byPath.get(expressPath(r.path)) ?? new Set()).add(r.method.toUpperCase()));
  const matchers = [...byPath].map(([p, methods]) => ({ re: new RegExp(`^${p.replace(/:\w+/g, '[^/]+')}/?$`), methods }));
  app.use((req, _res, next) => {
    const known = matchers.find((m) => m.re.test(req.path));
    if (known) {
      const allow = [...known.methods].join(', ');
      return next(new Problem('method-not-allowed', `${req.method} is not allowed on ${req.path}; use ${allow}`, {}, { Allow: allow }));
    }
    next(new Problem('not-found', `no route for ${req.method} ${req.path}`));
  });
  app.use(problemHandler(deps.logger));
  return app;
}
