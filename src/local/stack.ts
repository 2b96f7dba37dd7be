import path from 'node:path';
import type { Config } from '../config';
import { serverBinaries } from './binaries';
import type { OutputSink } from './child';
import { startFerretDB, type RunningFerretDB } from './ferretdb';
import { assertPortFree } from './ports';
import { startTemporalDevServer, type RunningTemporal } from './temporal';

export interface LocalServers {
  mongodbUri: string;
  temporalAddress: string;
  ferretdb?: RunningFerretDB;
  temporal?: RunningTemporal;
  stop(): Promise<void>;
}

export const DATABASE_NAME = 'offerflow';

/**
 * Starts whichever of FerretDB and the Temporal dev server the configuration
 * does not point elsewhere (MONGODB_URI, TEMPORAL_ADDRESS), both on 127.0.0.1
 * with their data under the data directory, so a restart finds it again.
 */
export async function startLocalServers(config: Config, output: OutputSink): Promise<LocalServers> {
  const host = '127.0.0.1';
  const needMongo = !config.mongodbUri;
  const needTemporal = !config.temporalAddress;
  if (needMongo) await assertPortFree(config.ferretdbPort, host, 'FERRETDB_PORT');
  if (needTemporal) {
    await assertPortFree(config.temporalPort, host, 'TEMPORAL_PORT');
    await assertPortFree(config.temporalUiPort, host, 'TEMPORAL_UI_PORT');
  }
  const bins = needMongo || needTemporal ? serverBinaries(config.cacheDir) : undefined;

  const [ferretdb, temporal] = await Promise.allSettled([
    needMongo && bins
      ? startFerretDB({ bin: bins.ferretdb, host, port: config.ferretdbPort, dataDir: path.join(config.dataDir, 'ferretdb'), output })
      : Promise.resolve(undefined),
    needTemporal && bins
      ? startTemporalDevServer({
          bin: bins.temporal,
          host,
          port: config.temporalPort,
          uiPort: config.temporalUiPort,
          dbFile: path.join(config.dataDir, 'temporal.db'),
          namespace: config.temporalNamespace,
          output,
        })
      : Promise.resolve(undefined),
  ]);
  const started = [ferretdb, temporal].flatMap((r) => (r.status === 'fulfilled' && r.value ? [r.value.child] : []));
  const stop = async () => {
    await Promise.all(started.map((c) => c.stop()));
  };
  const failure = [ferretdb, temporal].find((r) => r.status === 'rejected');
  if (failure) {
    await stop();
    throw (failure as PromiseRejectedResult).reason;
  }
  const f = (ferretdb as PromiseFulfilledResult<RunningFerretDB | undefined>).value;
  const t = (temporal as PromiseFulfilledResult<RunningTemporal | undefined>).value;
  return {
    mongodbUri: config.mongodbUri ?? `${f!.uri}${DATABASE_NAME}`,
    temporalAddress: config.temporalAddress ?? t!.address,
    ferretdb: f,
    temporal: t,
    stop,
  };
}
