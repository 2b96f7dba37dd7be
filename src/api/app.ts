import express, { type Express } from 'express';
import type { Connection as MongoConnection } from 'mongoose';
import type { Connection as TemporalConnection } from '@temporalio/client';
import { invitationRoutes } from '../invitations/routes';
import { businessProblem } from './business-problems';
import type { ApiDeps } from './deps';
import { healthRouter } from './health';
import { Problem, problemHandler } from './problem';

export const BODY_LIMIT_BYTES = 64 * 1024;

export interface AppDeps extends ApiDeps {
  mongoConnection: MongoConnection;
  temporalConnection: TemporalConnection;
}

export function createApp(deps: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'simple'); // no nested objects from ?a[b]=c

  app.use(healthRouter({ mongo: deps.mongoConnection, temporal: deps.temporalConnection }));

  app.use((req, _res, next) => {
    const hasBody = Number(req.headers['content-length'] ?? 0) > 0 || req.headers['transfer-encoding'] !== undefined;
    if (hasBody && !req.is('application/json')) {
      return next(
        new Problem(415, 'unsupported-media-type', 'Unsupported media type', `send the body as application/json (got ${req.headers['content-type'] ?? 'no content type'})`),
      );
    }
    next();
  });
  app.use(express.json({ limit: BODY_LIMIT_BYTES, strict: true }));

  app.use(invitationRoutes(deps));

  app.use((req, _res, next) => next(new Problem(404, 'not-found', 'Not found', `no route for ${req.method} ${req.path}`)));
  app.use(problemHandler(deps.logger, businessProblem));
  return app;
}
