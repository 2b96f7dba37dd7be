import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { ConfigError } from '../config';

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
  const kept = readOperatorTokenFile(file);
  if (kept) return { token: kept, created: false, file };
  fs.mkdirSync(dataDir, { recursive: true });
  const token = `ofo.${randomBytes(32).toString('base64url')}`;
  // Written whole under another name, then linked into place: a start that dies
  // meanwhile leaves no empty or partial token file, and of two first starts at
  // once one makes the token and the other reads it.
  const draft = `${file}.${process.pid}.new`;
  try {
    fs.writeFileSync(draft, `${token}\n`, { mode: 0o600, flag: 'wx' });
    fs.linkSync(draft, file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST' || !fs.existsSync(file)) throw err;
    return { token: readOperatorTokenFile(file)!, created: false, file };
  } finally {
    fs.rmSync(draft, { force: true });
  }
  return { token, created: true, file };
}

/** The token kept in `file`, or undefined when there is none; a file that holds no token is an error naming it. */
export function readOperatorTokenFile(file: string): string | undefined {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  const token = text.trim();
  if (token.length < MIN_OPERATOR_TOKEN_LENGTH) {
    throw new ConfigError(
      `${file} holds no operator token (${MIN_OPERATOR_TOKEN_LENGTH}+ characters): delete it to have a new one made at the next start, or set OFFERFLOW_OPERATOR_TOKEN`,
    );
  }
  return token;
}
