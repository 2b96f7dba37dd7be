import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * scripts/build-servers.sh from an empty cache, as on a new machine, without minutes of
 * Go builds: a stand-in `go` first on PATH answers the four commands the script runs and
 * "builds" stand-in binaries. Like FerretDB (six lines), they print more than one line
 * for --version — many more, so that reading it through `| head -n 1` under pipefail
 * kills them with SIGPIPE every time instead of now and then.
 */
const SCRIPT = path.resolve(__dirname, '../../scripts/build-servers.sh');
const scriptText = fs.readFileSync(SCRIPT, 'utf8');
const pinned = (name: string) => {
  const version = new RegExp(`^${name}=(\\S+)$`, 'm').exec(scriptText)?.[1];
  if (!version) throw new Error(`no ${name}= in ${SCRIPT}`);
  return version;
};
const TEMPORAL = pinned('TEMPORAL_VERSION');
const FERRETDB = pinned('FERRETDB_VERSION');
const VERSION_LINES = 20_000; // about 900 KB: far more than a pipe holds, so a writer outlives `head -n 1`

const STAND_IN_GO = `#!/usr/bin/env bash
# Stand-in for go: answers what scripts/build-servers.sh asks, in go's formats.
set -euo pipefail
printf '%s\\n' "$*" >> "$FAKE_GO_LOG"
binary() { # <out>: the stand-in binary, broken when FAKE_GO_BROKEN names it
  local kind=ok
  [ "$(basename "$1")" = "\${FAKE_GO_BROKEN:-}" ] && kind=broken
  mkdir -p "$(dirname "$1")" && cp "$FAKE_GO_DIR/binary-$kind" "$1" && chmod +x "$1"
}
case "$1" in
  version) echo 'go version go1.22.0-standin linux/amd64' ;;
  install) # go install -v -trimpath <package>@<version>, into $GOBIN
    pkg="\${*: -1}"
    for i in 1 2 3; do echo "stand-in/package/$i" >&2; done
    binary "$GOBIN/$(basename "\${pkg%@*}")" ;;
  mod) # go mod download -json <module>@<version>
    [ "$2 $3" = 'download -json' ] || { echo "stand-in go: unexpected: $*" >&2; exit 2; }
    printf '{\\n\\t"Path": "%s",\\n\\t"Version": "%s",\\n\\t"Dir": "%s",\\n\\t"Sum": "h1:standin="\\n}\\n' "\${4%@*}" "\${4#*@}" "$FAKE_GO_MODULE_DIR" ;;
  build) # go build -v -trimpath -o <out> ./cmd/ferretdb, in a copy of the module
    [ -s build/version/version.txt ] || { echo 'stand-in go: build/version/version.txt is missing' >&2; exit 1; }
    out=
    while [ $# -gt 0 ]; do [ "$1" = -o ] && out=$2; shift; done
    echo 'stand-in/cmd/ferretdb' >&2
    binary "$out" ;;
  *) echo "stand-in go: unexpected: $*" >&2; exit 2 ;;
esac
`;

const GOOD_BINARY = `#!/usr/bin/env bash
printf '%s version stand-in\\n' "$(basename "$0")"
printf 'detail %05d of a long --version output\\n' {1..${VERSION_LINES}}
`;

const BROKEN_BINARY = `#!/usr/bin/env bash
echo "$(basename "$0"): cannot execute: broken stand-in" >&2
exit 1
`;

let root: string;
let goDir: string;
let moduleDir: string;

beforeAll(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'offerflow-build-servers-'));
  goDir = path.join(root, 'go');
  fs.mkdirSync(goDir);
  fs.writeFileSync(path.join(goDir, 'go'), STAND_IN_GO, { mode: 0o755 });
  fs.writeFileSync(path.join(goDir, 'binary-ok'), GOOD_BINARY, { mode: 0o755 });
  fs.writeFileSync(path.join(goDir, 'binary-broken'), BROKEN_BINARY, { mode: 0o755 });
  // FerretDB's module source as the module cache holds it: read-only, build/version without version.txt.
  moduleDir = path.join(root, 'modcache', `ferretdb@${FERRETDB}`);
  fs.mkdirSync(path.join(moduleDir, 'build', 'version'), { recursive: true });
  fs.mkdirSync(path.join(moduleDir, 'cmd', 'ferretdb'), { recursive: true });
  fs.writeFileSync(path.join(moduleDir, 'go.mod'), 'module github.com/FerretDB/FerretDB\n');
  fs.writeFileSync(path.join(moduleDir, 'build', 'version', 'version.go'), 'package version\n');
  fs.writeFileSync(path.join(moduleDir, 'cmd', 'ferretdb', 'main.go'), 'package main\n');
  readOnly(moduleDir);
});

afterAll(() => {
  fs.chmodSync(path.join(root, 'modcache'), 0o755);
  writable(moduleDir);
  fs.rmSync(root, { recursive: true, force: true });
});

function readOnly(p: string): void {
  if (fs.statSync(p).isDirectory()) {
    for (const e of fs.readdirSync(p)) readOnly(path.join(p, e));
    fs.chmodSync(p, 0o555);
  } else fs.chmodSync(p, 0o444);
}

function writable(p: string): void {
  fs.chmodSync(p, fs.statSync(p).isDirectory() ? 0o755 : 0o644);
  if (fs.statSync(p).isDirectory()) for (const e of fs.readdirSync(p)) writable(path.join(p, e));
}

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
  cache: string;
  /** Each command line the stand-in go was given. */
  goCalls: string[];
  /** What the script left in its TMPDIR (it builds in temporary directories there). */
  leftovers: string[];
}

let runs = 0;
/** Runs the script against `cache` (a fresh one by default), with the stand-in go first on PATH. */
function buildServers(opts: { cache?: string; broken?: 'temporal' | 'ferretdb' } = {}): Promise<Run> {
  const n = ++runs;
  const cache = opts.cache ?? path.join(root, `cache-${n}`);
  const tmp = path.join(root, `tmp-${n}`);
  const log = path.join(root, `go-${n}.log`);
  fs.mkdirSync(tmp);
  fs.writeFileSync(log, '');
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PATH: `${goDir}${path.delimiter}${process.env.PATH}`,
    OFFERFLOW_CACHE_DIR: cache,
    TMPDIR: tmp,
    FAKE_GO_DIR: goDir,
    FAKE_GO_LOG: log,
    FAKE_GO_MODULE_DIR: moduleDir,
    FAKE_GO_BROKEN: opts.broken ?? '',
  };
  const child = spawn('bash', [SCRIPT], { env, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => {
      const goCalls = fs.readFileSync(log, 'utf8').split('\n').filter(Boolean);
      resolve({ code, signal, stderr, cache, goCalls, leftovers: fs.readdirSync(tmp) });
    });
  });
}

const temporalBin = (cache: string) => path.join(cache, `temporal-${TEMPORAL}`, 'temporal');
const ferretdbBin = (cache: string) => path.join(cache, `ferretdb-${FERRETDB}`, 'ferretdb');
const serversEnv = (cache: string) => `TEMPORAL_BIN=${temporalBin(cache)}\nFERRETDB_BIN=${ferretdbBin(cache)}\n`;
const readIfAny = (file: string) => (fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : undefined);
const literally = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const isExecutable = (file: string) => fs.existsSync(file) && (fs.statSync(file).mode & 0o100) !== 0;

describe('scripts/build-servers.sh on a new machine', () => {
  const RUNS = 10;

  it(`builds both servers into an empty cache and writes servers.env, every time (${RUNS} fresh caches)`, async () => {
    const results: Run[] = [];
    for (let i = 0; i < RUNS; i += 5) results.push(...(await Promise.all(Array.from({ length: Math.min(5, RUNS - i) }, () => buildServers()))));
    const failed = results.filter((r) => r.code !== 0 || readIfAny(path.join(r.cache, 'servers.env')) !== serversEnv(r.cache));
    expect(failed.map((r) => `exit ${r.code ?? r.signal}:\n${r.stderr}`)).toEqual([]);
    for (const r of results) {
      expect(r.leftovers).toEqual([]); // the script removes the directories it built in
      expect(isExecutable(temporalBin(r.cache))).toBe(true);
      expect(isExecutable(ferretdbBin(r.cache))).toBe(true);
      expect(r.stderr).toContain(`[servers] temporal ${TEMPORAL}: building with go1.22.0-standin`);
      // the log names the first line of --version
      for (const [name, version, exe] of [
        ['temporal', TEMPORAL, temporalBin(r.cache)],
        ['ferretdb', FERRETDB, ferretdbBin(r.cache)],
      ]) {
        expect(r.stderr).toMatch(
          new RegExp(`^${literally(`[servers] ${name} ${version}: built in `)}\\d+s${literally(` -> ${exe} (${name} version stand-in)`)}$`, 'm'),
        );
      }
      expect(r.stderr).toContain(`[servers] ready: ${path.join(r.cache, 'servers.env')}`);
      expect(r.goCalls).toEqual(
        expect.arrayContaining([
          `install -v -trimpath github.com/temporalio/cli/cmd/temporal@${TEMPORAL}`,
          `mod download -json github.com/FerretDB/FerretDB@${FERRETDB}`,
          `build -v -trimpath -o ${ferretdbBin(r.cache)} ./cmd/ferretdb`,
        ]),
      );
    }
  }, 30_000);

  it('a second run against the same cache reports both servers cached and builds nothing', async () => {
    const first = await buildServers();
    expect(first.code).toBe(0);
    const second = await buildServers({ cache: first.cache });
    expect(second.code).toBe(0);
    expect(second.stderr).toContain(`[servers] temporal ${TEMPORAL}: cached at ${temporalBin(first.cache)}`);
    expect(second.stderr).toContain(`[servers] ferretdb ${FERRETDB}: cached at ${ferretdbBin(first.cache)}`);
    expect(second.stderr).not.toContain('building');
    expect(second.goCalls).toEqual([]);
    expect(fs.readFileSync(path.join(first.cache, 'servers.env'), 'utf8')).toBe(serversEnv(first.cache));
  });

  it('a built binary whose --version fails is reported with its output, removed, and built again by the next run', async () => {
    const broken = await buildServers({ broken: 'ferretdb' });
    const exe = ferretdbBin(broken.cache);
    expect(broken.code).toBe(1);
    expect(broken.stderr).toContain(
      `[servers] ERROR: ferretdb ${FERRETDB}: built binary ${exe} does not run ('--version' failed: ferretdb: cannot execute: broken stand-in).`,
    );
    expect(broken.stderr).toContain('[servers] ERROR: building the local servers failed.');
    expect(fs.existsSync(exe)).toBe(false);
    expect(fs.existsSync(path.join(broken.cache, 'servers.env'))).toBe(false);
    expect(broken.leftovers).toEqual([]);
    expect(isExecutable(temporalBin(broken.cache))).toBe(true); // built beside it

    const again = await buildServers({ cache: broken.cache });
    expect(again.code).toBe(0);
    expect(again.stderr).toContain(`[servers] temporal ${TEMPORAL}: cached at`);
    expect(again.stderr).toContain(`[servers] ferretdb ${FERRETDB}: building with`);
    expect(fs.readFileSync(path.join(broken.cache, 'servers.env'), 'utf8')).toBe(serversEnv(broken.cache));
  });

  it('a cached binary that no longer answers --version is built again, not reused', async () => {
    const first = await buildServers();
    expect(first.code).toBe(0);
    fs.copyFileSync(path.join(goDir, 'binary-broken'), temporalBin(first.cache));
    const second = await buildServers({ cache: first.cache });
    expect(second.code).toBe(0);
    expect(second.stderr).toContain(`[servers] temporal ${TEMPORAL}: building with`);
    expect(second.stderr).toContain(`[servers] ferretdb ${FERRETDB}: cached at`);
    expect(second.goCalls).toEqual([`version`, `install -v -trimpath github.com/temporalio/cli/cmd/temporal@${TEMPORAL}`]);
  });

  it('without go, says to install it', async () => {
    const cache = path.join(root, 'cache-no-go');
    // bash itself, but a PATH without go (the script uses only bash's builtins before it checks)
    const bash =
      (process.env.PATH ?? '')
        .split(path.delimiter)
        .map((d) => path.join(d, 'bash'))
        .find((f) => fs.existsSync(f)) ?? '/bin/bash';
    const child = spawn(bash, [SCRIPT], {
      env: { HOME: root, PATH: '/nonexistent', OFFERFLOW_CACHE_DIR: cache },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(code).toBe(1);
    expect(stderr).toContain(
      `[servers] ERROR: Go is not installed (needed once to build Temporal CLI ${TEMPORAL} and FerretDB ${FERRETDB}). Install Go >= 1.22 and re-run.`,
    );
    expect(fs.existsSync(cache)).toBe(false);
  });
});
