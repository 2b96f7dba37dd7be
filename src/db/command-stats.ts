import fs from 'node:fs';
import type mongoose from 'mongoose';

/**
 * Counts the commands a connection sends, by command and collection, and keeps
 * them in `file` (rewritten every second and when the process ends). Off unless
 * MONGO_COMMAND_STATS names a file: the benchmarks use it to report database
 * commands per chain for each process.
 */
export function countCommands(connection: mongoose.Connection, file: string): void {
  const counts: Record<string, number> = {};
  let dirty = false;
  let attached = false;
  connection.on('connected', () => {
    if (attached) return;
    attached = true;
    const client = connection.getClient();
    client.on('commandStarted', (e) => {
      const collection = typeof e.command[e.commandName] === 'string' ? `.${e.command[e.commandName]}` : '';
      // Which fields a query selects by: anything but _id makes FerretDB read the whole collection.
      const filter = e.command.filter ?? e.command.updates?.[0]?.q ?? e.command.deletes?.[0]?.q;
      const key = `${e.commandName}${collection}${filter ? `(${Object.keys(filter).join(',')})` : ''}`;
      counts[key] = (counts[key] ?? 0) + 1;
      dirty = true;
    });
  });
  const flush = () => {
    if (!dirty) return;
    dirty = false;
    fs.writeFileSync(file, JSON.stringify(counts));
  };
  setInterval(flush, 1000).unref();
  process.on('exit', flush);
}
