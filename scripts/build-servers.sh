#!/usr/bin/env bash
# Builds the local servers offerflow needs, once per machine, pinned, into a cache
# outside the repository: Temporal CLI (dev server + UI) and FerretDB (MongoDB wire
# protocol on SQLite). Re-running is cheap: a binary that exists and answers
# --version is reused.
set -euo pipefail

TEMPORAL_VERSION=v1.5.1
FERRETDB_VERSION=v1.24.2
CACHE_DIR="${OFFERFLOW_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/offerflow}"

log() { printf '[servers] %s\n' "$*" >&2; }
die() { printf '[servers] ERROR: %s\n' "$*" >&2; exit 1; }

command -v go >/dev/null 2>&1 || die "Go is not installed (needed once to build Temporal CLI ${TEMPORAL_VERSION} and FerretDB ${FERRETDB_VERSION}). Install Go >= 1.22 and re-run."

# Prints go's -v package list as a compact progress line every 25 packages.
progress() {
  awk -v n="$1" '{ c++; if (c % 25 == 1) printf "[servers] %s: compiling %s (%d packages so far)\n", n, $0, c > "/dev/stderr"; fflush() }'
}

install_temporal() { # <dir>
  (cd "$2" && GOBIN="$1" go install -v -trimpath "github.com/temporalio/cli/cmd/temporal@$TEMPORAL_VERSION" 2>&1 | progress temporal; exit "${PIPESTATUS[0]}")
}

# `go install .../cmd/ferretdb@v1.24.2` builds, but the binary panics at start-up:
# FerretDB embeds build/version/version.txt, which its release module leaves out
# ("create this file manually", says build/version). So build the pinned module's
# own source, verified against go.sum, with that one file added.
install_ferretdb() { # <dir> <tmp>
  local src
  src=$(cd "$2" && go mod download -json "github.com/FerretDB/FerretDB@$FERRETDB_VERSION" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
  [ -n "$src" ] && [ -d "$src" ] || { log "ferretdb: 'go mod download github.com/FerretDB/FerretDB@$FERRETDB_VERSION' failed"; return 1; }
  cp -r "$src" "$2/FerretDB" && chmod -R u+w "$2/FerretDB"
  echo "$FERRETDB_VERSION" > "$2/FerretDB/build/version/version.txt"
  (cd "$2/FerretDB" && go build -v -trimpath -o "$1/ferretdb" ./cmd/ferretdb 2>&1 | progress ferretdb; exit "${PIPESTATUS[0]}")
}

# Prints the first line of `<exe> --version` and fails as it does. The whole output is
# read first and cut in bash: piped into `head -n 1`, the binary could be killed by
# SIGPIPE once head has its line and exits (FerretDB prints six), which pipefail then
# reports as a binary that does not run.
version_of() { # <exe>
  local out rc=0
  out=$("$1" --version 2>&1) || rc=$?
  printf '%s\n' "${out%%$'\n'*}"
  return "$rc"
}

# build <name> <version> <binary> <installer>
build() {
  local name=$1 version=$2 bin=$3 installer=$4
  local dir="$CACHE_DIR/$name-$version"
  local exe="$dir/$bin"
  if [ -x "$exe" ] && version_of "$exe" >/dev/null; then
    log "$name $version: cached at $exe"
    return 0
  fi
  log "$name $version: building with $(go version | awk '{print $3}') (takes a few minutes the first time)..."
  mkdir -p "$dir"
  local start=$SECONDS tmp
  tmp=$(mktemp -d) # an empty directory, so no go.mod around us interferes
  if ! "$installer" "$dir" "$tmp"; then
    rm -rf "$tmp"
    die "$name $version: the Go build failed (see the output above)."
  fi
  rm -rf "$tmp"
  [ -x "$exe" ] || die "$name $version: the build finished but $exe is missing."
  local v
  v=$(version_of "$exe") || { rm -f "$exe"; die "$name $version: built binary $exe does not run ('--version' failed: $v)."; }
  log "$name $version: built in $((SECONDS - start))s -> $exe ($v)"
}

build temporal "$TEMPORAL_VERSION" temporal install_temporal &
p1=$!
build ferretdb "$FERRETDB_VERSION" ferretdb install_ferretdb &
p2=$!
rc=0
wait $p1 || rc=1
wait $p2 || rc=1
[ $rc -eq 0 ] || die "building the local servers failed."

# Machine-readable paths for the Node side.
printf 'TEMPORAL_BIN=%s\nFERRETDB_BIN=%s\n' \
  "$CACHE_DIR/temporal-$TEMPORAL_VERSION/temporal" "$CACHE_DIR/ferretdb-$FERRETDB_VERSION/ferretdb" > "$CACHE_DIR/servers.env"
log "ready: $CACHE_DIR/servers.env"
