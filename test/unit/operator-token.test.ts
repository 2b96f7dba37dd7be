import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ensureOperatorToken, MIN_OPERATOR_TOKEN_LENGTH, OPERATOR_TOKEN_FILE } from '../../src/auth/operator-token';

/**
 * The operator token of the embedded default, from nothing: the first `npm start` on a
 * new checkout has no .data/ yet, makes the token, prints it once and keeps it there.
 */
const REPO = path.resolve(__dirname, '../..');
const MODULE = path.join(REPO, 'src/auth/operator-token.ts');
const NOBODY = 65534;
const ENV_TOKEN = 'ofo.from-the-environment-0123456789abcdef';

let root: string;
beforeEach(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'offerflow-operator-token-'));
});
afterEach(() => {
  fs.chmodSync(root, 0o700);
  for (const e of fs.readdirSync(root)) fs.chmodSync(path.join(root, e), 0o700);
  fs.rmSync(root, { recursive: true, force: true });
});

describe('ensureOperatorToken', () => {
  it('makes the data directory (nested, not there yet) and a token kept with mode 0600, created once', () => {
    const dataDir = path.join(root, 'checkout', 'nested', '.data');
    expect(fs.existsSync(path.join(root, 'checkout'))).toBe(false);

    const first = ensureOperatorToken(dataDir, undefined);
    const file = path.join(dataDir, OPERATOR_TOKEN_FILE);
    expect(first).toEqual({ token: expect.stringMatching(/^ofo\.[A-Za-z0-9_-]+$/), created: true, file });
    expect(first.token.length).toBeGreaterThanOrEqual(MIN_OPERATOR_TOKEN_LENGTH);
    expect(fs.readFileSync(file, 'utf8')).toBe(`${first.token}\n`);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(fs.readdirSync(dataDir)).toEqual([OPERATOR_TOKEN_FILE]);

    // later starts read it: same token, not created (so not printed) again, file untouched
    const mtime = fs.statSync(file).mtimeMs;
    for (let i = 0; i < 2; i++) expect(ensureOperatorToken(dataDir, undefined)).toEqual({ token: first.token, created: false, file });
    expect(fs.readFileSync(file, 'utf8')).toBe(`${first.token}\n`);
    expect(fs.statSync(file).mtimeMs).toBe(mtime);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
  });

  it('each new data directory gets a token of its own', () => {
    const a = ensureOperatorToken(path.join(root, 'a'), undefined);
    const b = ensureOperatorToken(path.join(root, 'b'), undefined);
    expect(a.created && b.created).toBe(true);
    expect(a.token).not.toBe(b.token);
  });

  it('OFFERFLOW_OPERATOR_TOKEN wins and nothing is written, not even the data directory', () => {
    const dataDir = path.join(root, 'nested', '.data');
    expect(ensureOperatorToken(dataDir, ENV_TOKEN)).toEqual({ token: ENV_TOKEN, created: false });
    expect(fs.existsSync(path.join(root, 'nested'))).toBe(false);

    // with a kept token too, the environment's still wins and the kept one stays as it was
    const kept = ensureOperatorToken(dataDir, undefined);
    expect(ensureOperatorToken(dataDir, ENV_TOKEN)).toEqual({ token: ENV_TOKEN, created: false });
    expect(fs.readFileSync(kept.file!, 'utf8')).toBe(`${kept.token}\n`);
  });

  it('a data directory that is a file is an error naming the path', () => {
    const notADir = path.join(root, 'data');
    fs.writeFileSync(notADir, 'not a directory');
    expect(() => ensureOperatorToken(notADir, undefined)).toThrow(
      expect.objectContaining({ code: 'ENOTDIR', message: expect.stringContaining(path.join(notADir, OPERATOR_TOKEN_FILE)) }),
    );
    expect(() => ensureOperatorToken(path.join(notADir, 'nested'), undefined)).toThrow(expect.objectContaining({ code: 'ENOTDIR' }));
  });

  it('a token file left empty or cut short (a first start that died while writing it) is an error naming the file, never a token', () => {
    const dataDir = path.join(root, '.data');
    fs.mkdirSync(dataDir);
    const file = path.join(dataDir, OPERATOR_TOKEN_FILE);
    for (const content of ['', '\n', 'ofo.short\n']) {
      fs.writeFileSync(file, content, { mode: 0o600 });
      expect(() => ensureOperatorToken(dataDir, undefined)).toThrow(`${file} holds no operator token`);
      expect(fs.readFileSync(file, 'utf8')).toBe(content);
    }
    fs.rmSync(file);
    expect(ensureOperatorToken(dataDir, undefined).created).toBe(true); // deleting it has a new one made
    expect(fs.readdirSync(dataDir)).toEqual([OPERATOR_TOKEN_FILE]); // no draft left behind
  });

  // Root writes anywhere, so as root this case runs in a child process as "nobody" (when it can read the sources).
  const asRoot = process.getuid?.() === 0;
  const nobodyCanRead = asRoot && spawnSync('/bin/sh', ['-c', 'test -r "$1"', 'sh', MODULE], { uid: NOBODY, gid: NOBODY }).status === 0;
  const unwritableCase = !asRoot || nobodyCanRead ? it : it.skip;

  unwritableCase(`a data directory it may not write to is an error naming the file${asRoot ? ' (run as nobody)' : ''}`, () => {
    for (const dataDir of [path.join(root, 'read-only'), path.join(root, 'read-only', 'nested', '.data')]) {
      fs.mkdirSync(path.join(root, 'read-only'), { recursive: true, mode: 0o555 });
      fs.chmodSync(path.join(root, 'read-only'), 0o555);
      fs.chmodSync(root, 0o755); // mkdtemp makes it 0700
      const err = asRoot ? ensureAsNobody(dataDir) : attempt(dataDir);
      expect(err).toMatchObject({ code: 'EACCES', message: expect.stringContaining(dataDir) });
      expect(fs.readdirSync(path.join(root, 'read-only'))).toEqual([]);
    }
  });
});

function attempt(dataDir: string): { code?: string; message: string } | undefined {
  try {
    ensureOperatorToken(dataDir, undefined);
    return undefined;
  } catch (err) {
    return { code: (err as NodeJS.ErrnoException).code, message: (err as Error).message };
  }
}

/** Calls ensureOperatorToken in a node process running as nobody; returns the error it threw, if any. */
function ensureAsNobody(dataDir: string): { code?: string; message: string } | undefined {
  const code = `
    const { ensureOperatorToken } = require(${JSON.stringify(MODULE)});
    let out = { ok: true };
    try { ensureOperatorToken(${JSON.stringify(dataDir)}, undefined); } catch (err) { out = { code: err.code, message: err.message }; }
    process.stdout.write(JSON.stringify(out));`;
  const child = spawnSync(process.execPath, ['--import', 'tsx', '-e', code], { uid: NOBODY, gid: NOBODY, cwd: REPO, encoding: 'utf8', timeout: 30_000 });
  if (child.status !== 0) throw new Error(`the child as nobody failed (${child.status ?? child.signal}): ${child.stderr}`);
  const out = JSON.parse(child.stdout) as { ok?: true; code?: string; message: string };
  return out.ok ? undefined : out;
}
