import { Router } from 'express';
import type { Connection as MongoConnection } from 'mongoose';
import type { Connection as TemporalConnection } from '@temporalio/client';
import { pingMongo } from '../db/connection';
import { pingTemporal } from '../temporal/client';
import { Problem, sendProblem } from './problem';

interface DependencyState {
  status: 'up' | 'down';
  error?: string;
}

/** GET /healthz: 200 only when MongoDB and Temporal both answer, else 503 naming what is down. */
export function healthRouter(deps: { mongo: MongoConnection; temporal: TemporalConnection }): Router {
  const router = Router();
  router.get('/healthz', async (_req, res) => {
    const [mongodb, temporal] = await Promise.all([check(() => pingMongo(deps.mongo)), check(() => pingTemporal(deps.temporal))]);
    const dependencies = { mongodb, temporal };
    const down = Object.entries({ MongoDB: mongodb, Temporal: temporal })
      .filter(([, s]) => s.status === 'down')
      .map(([name]) => name);
    res.set('Cache-Control', 'no-store');
    if (down.length === 0) {
      res.status(200).json({ status: 'ok', dependencies });
      return;
    }
    sendProblem(res, new Problem('dependency-unavailable', `${down.join(' and ')} ${down.length > 1 ? 'are' : 'is'} down`, { dependencies }));
  });
  return router;
}

async function check(ping: () => Promise<unknown>): Promise<DependencyState> {
  try {
    await ping();
    return { status: 'up' };
  } catch (err) {
    return { status: 'down', error: err instanceof Error ? err.message : String(err) };
  }
}
