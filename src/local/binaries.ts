import fs from 'node:fs';
import path from 'node:path';

export interface ServerBinaries {
  temporal: string;
  ferretdb: string;
}

/**
 * Paths of the servers scripts/build-servers.sh built into the cache (it writes
 * servers.env there, so the pinned versions live in one place: that script).
 */
export function serverBinaries(cacheDir: string): ServerBinaries {
  const file = path.join(cacheDir, 'servers.env');
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    throw new Error(`${file} is missing: build the local servers first with 'npm run servers' (npm start and npm test do it for you)`);
  }
  const vars = Object.fromEntries(
    text
      .split('\n')
      .map((l) => l.match(/^([A-Z_]+)=(.*)$/))
      .filter((m): m is RegExpMatchArray => m !== null)
      .map((m) => [m[1], m[2]]),
  );
  const result = { temporal: vars.TEMPORAL_BIN, ferretdb: vars.FERRETDB_BIN };
  for (const [name, bin] of Object.entries(result)) {
    if (!bin || !fs.existsSync(bin)) {
      throw new Error(`the ${name} binary named in ${file} (${bin ?? 'none'}) is missing: run 'npm run servers'`);
    }
  }
  return result as ServerBinaries;
}
