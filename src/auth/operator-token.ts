import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { ConfigError } from '../config';

export const OPERATOR_TOKEN_FILE = 'operator-token';
export const MIN_OPERATOR_TOKEN_LENGTH = 32;
export const SECRET_KEY_FILE = 'secret-key';
export const MIN_SECRET_KEY_LENGTH = 32;

interface KeptSecret {
  file: string;
  what: string;
  envName: string;
  minLength: number;
}

const OPERATOR_TOKEN = (dataDir: string): KeptSecret => ({
  file: path.join(dataDir, OPERATOR_TOKEN_FILE),
  what: 'operator token',
  envName: 'OFFERFLOW_OPERATOR_TOKEN',
  minLength: MIN_OPERATOR_TOKEN_LENGTH,
});

/**
 * The platform operator's token for the embedded default: OFFERFLOW_OPERATOR_TOKEN
 * when set, else the one generated on the first start and kept (mode 0600) in
 * the data directory. `created` says whether this call generated it, so the
 * caller prints it that one time only.
 */
export function ensureOperatorToken(dataDir: string, fromEnv?: string): { token: string; created: boolean; file?: string } {
  if (fromEnv) return { token: fromEnv, created: false };
  const { value, created, file } = ensureKept(OPERATOR_TOKEN(dataDir), () => `ofo.${randomBytes(32).toString('base64url')}`);
  return { token: value, created, file };
}

/**
 * The key that seals webhook secrets at rest, for the embedded default: OFFERFLOW_SECRET_KEY when
 * set, else the one generated on the first start and kept (mode 0600) in the data directory. Losing
 * it makes the stored webhook secrets unreadable (their endpoints need new ones).
 */
export function ensureSecretKey(dataDir: string, fromEnv?: string): string {
  if (fromEnv) return fromEnv;
  const kept: KeptSecret = { file: path.join(dataDir, SECRET_KEY_FILE), what: 'secret key', envName: 'OFFERFLOW_SECRET_KEY', minLength: MIN_SECRET_KEY_LENGTH };
  return ensureKept(kept, () => randomBytes(32).toString('base64url')).value;
}

function ensureKept(kept: KeptSecret, make: () => string): { value: string; created: boolean; file: string } {
  const { file } = kept;
  const found = readKept(kept);
  if (found) return { value: found, created: false, file };
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const value = make();
  // Written whole under another name, then linked into place: a start that dies
  // meanwhile leaves no empty or partial file, and of two first starts at
  // once one makes the secret and the other reads it.
  const draft = `${file}.${process.pid}.new`;
  try {
    fs.writeFileSync(draft, `${value}\n`, { mode: 0o600, flag: 'wx' });
    fs.linkSync(draft, file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST' || !fs.existsSync(file)) throw err;
    return { value: readKept(kept)!, created: false, file };
  } finally {
    fs.rmSync(draft, { force: true });
  }
  return { value, created: true, file };
}

/** The token kept in `file`, or undefined when there is none; a file that holds no token is an error naming it. */
export function readOperatorTokenFile(file: string): string | undefined {
  return readKept({ ...OPERATOR_TOKEN(path.dirname(file)), file });
}

function readKept({ file, what, envName, minLength }: KeptSecret): string | undefined {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  const value = text.trim();
  if (value.length < minLength) {
    throw new ConfigError(`${file} holds no ${what} (${minLength}+ characters): delete it to have a new one made at the next start, or set ${envName}`);
  }
  return value;
}
