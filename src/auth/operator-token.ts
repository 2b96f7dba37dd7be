import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';

export const OPERATOR_TOKEN_FILE = 'operator-token';
export const MIN_OPERATOR_TOKEN_LENGTH = 32;

/**
 * The platform operator's token for the embedded default: OFFERFLOW_OPERATOR_TOKEN
 * when set, else the one generated on the first start and kept (mode 0600) in
 * the data directory. `created` says whether this call generated it, so the
 * caller prints it that one time only.
 */
export function ensureOperatorToken(dataDir: string, fromEnv?: string): { token: string; created: boolean; file?: string } {
  if (fromEnv) return { token: fromEnv, created: false };
  const file = path.join(dataDir, OPERATOR_TOKEN_FILE);
  try {
    return { token: fs.readFileSync(file, 'utf8').trim(), created: false, file };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  fs.mkdirSync(dataDir, { recursive: true });
  const token = `ofo.${randomBytes(32).toString('base64url')}`;
  fs.writeFileSync(file, `${token}\n`, { mode: 0o600, flag: 'wx' });
  return { token, created: true, file };
}
