import mongoose from 'mongoose';
import { withinMs } from '../async';
import type { Logger } from '../logger';
import { countCommands } from './command-stats';

export interface MongoHandle {
  connection: mongoose.Connection;
  /** Resolves once the first connection succeeded (retrying in the background until then). */
  ready: Promise<void>;
  close(): Promise<void>;
}

/**
 * Opens a mongoose connection that keeps retrying until MongoDB answers, so a
 * process can start (and report 503) while the database is still down.
 * Commands are never buffered: with MongoDB unavailable they fail at once.
 */
export function openMongo(
  uri: string,
  logger: Logger,
  opts: {
    serverSelectionTimeoutMS?: number;
    maxPoolSize?: number;
    /** How long a command may go unanswered on an open connection (a database that hangs rather than refuses); none by default. */
    socketTimeoutMS?: number;
    /** How long opening a connection (and its handshake) may take; the driver's 30 s by default. */
    connectTimeoutMS?: number;
  } = {},
): MongoHandle {
  const connection = mongoose.createConnection();
  connection.set('bufferCommands', false);
  // Models are usually registered before the first connection succeeds; mongoose's
  // automatic init would then fail once and stay failed, so indexes are built below.
  connection.set('autoIndex', false);
  connection.set('autoCreate', false);
  const statsFile = process.env.MONGO_COMMAND_STATS;
  if (statsFile) countCommands(connection, statsFile);
  let closed = false;
  const ready = (async () => {
    for (let attempt = 1; !closed; attempt++) {
      try {
        await connection.openUri(uri, {
          bufferCommands: false,
          autoIndex: false,
          autoCreate: false,
          serverSelectionTimeoutMS: opts.serverSelectionTimeoutMS ?? 5000,
          // FerretDB v1 holds up to two SQLite connections per command in flight and
          // has a pool of 100: a larger client pool can deadlock it under load.
          maxPoolSize: opts.maxPoolSize ?? 16,
          socketTimeoutMS: opts.socketTimeoutMS,
          connectTimeoutMS: opts.connectTimeoutMS,
          // FerretDB (and a single mongod) have no retryable-writes sessions.
          retryWrites: false,
          monitorCommands: Boolean(statsFile),
        });
        await Promise.all(Object.values(connection.models).map((m) => m.createIndexes()));
        if (attempt > 1) logger.info({ attempt }, 'connected to MongoDB');
        return;
      } catch (err) {
        if (closed) return;
        if (attempt === 1 || attempt % 10 === 0) {
          logger.warn({ err: (err as Error).message, attempt }, 'MongoDB unavailable, retrying');
        }
        await new Promise((r) => setTimeout(r, Math.min(250 * attempt, 2000)));
      }
    }
  })();
  return {
    connection,
    ready,
    async close() {
      closed = true;
      await connection.close().catch(() => undefined);
    },
  };
}

/** True when `err` means MongoDB could not be reached (as opposed to a bad command). */
export function isMongoUnavailable(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  // network errors include the pool cleared after one (a command that timed out on a hanging database)
  if (err instanceof mongoose.mongo.MongoNetworkError) return true;
  const names = ['MongoServerSelectionError', 'MongoNotConnectedError', 'MongoTopologyClosedError', 'MongoWaitQueueTimeoutError'];
  if (names.includes(err.name)) return true;
  return err.name === 'MongooseError' && /before initial connection is complete|Connection was force closed|client must be connected/i.test(err.message);
}

/** Round-trips a ping; rejects when MongoDB does not answer within `timeoutMs`. */
export async function pingMongo(connection: mongoose.Connection, timeoutMs = 1500): Promise<void> {
  if (connection.readyState !== mongoose.ConnectionStates.connected || !connection.db) {
    throw new Error(`not connected (state ${mongoose.ConnectionStates[connection.readyState]})`);
  }
  const answer = await withinMs(connection.db.admin().command({ ping: 1 }, { timeoutMS: timeoutMs }), timeoutMs);
  if (!answer) throw new Error(`no answer within ${timeoutMs} ms`);
}
